using System;
using System.IO;
using NodeFirmware.Core.Hal;

namespace NodeFirmware.Device
{
    /// <summary>
    /// Core's IFlash over a preallocated file on I:\ (LittleFS), with NOR semantics kept in software:
    /// Program only clears bits (new = old AND data), EraseSector sets a sector back to 0xFF.
    ///
    /// Why a file and not a raw partition: nanoFramework exposes no raw flash-partition API to managed
    /// code, and I:\ already sits on the "config" partition. Why it is still safe: LittleFS writes copy-on-write
    /// and commits atomically per metadata update, so after a power cut a file region holds either its old or
    /// its new bytes; Core's journal and DualCopyStore are built for torn NOR writes, which is a weaker
    /// promise than that. Wear: every Program rewrites at least one 4 KB LittleFS block (write amplification
    /// up to 4096 / record size), but LittleFS's dynamic wear levelling spreads those writes over every free
    /// block of the 1.6 MB partition (docs/device-apis.md works the numbers through).
    /// </summary>
    public class InternalFlashStorage : IFlash, IDisposable
    {
        private readonly FileStream _file;
        private readonly int _size;
        private readonly int _sectorSize;

        public InternalFlashStorage(string path, int size, int sectorSize)
        {
            if (sectorSize <= 0 || size <= 0 || size % sectorSize != 0) throw new ArgumentException("size must be a whole number of sectors");
            _size = size;
            _sectorSize = sectorSize;
            string dir = Path.GetDirectoryName(path);
            if (dir != null && dir.Length > 0 && !Directory.Exists(dir)) Directory.CreateDirectory(dir);
            bool fresh = !File.Exists(path);
            _file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            if (fresh || _file.Length != size) Format();
        }

        public int Size { get { return _size; } }

        public int SectorSize { get { return _sectorSize; } }

        public void Read(int address, byte[] buffer, int offset, int count)
        {
            Check(address, count);
            _file.Seek(address, SeekOrigin.Begin);
            int done = 0;
            while (done < count)
            {
                int n = _file.Read(buffer, offset + done, count - done);
                if (n <= 0) throw new IOException("short read at " + (address + done));
                done += n;
            }
        }

        public void Program(int address, byte[] data, int offset, int count)
        {
            Check(address, count);
            var merged = new byte[count];
            Read(address, merged, 0, count);
            for (int i = 0; i < count; i++) merged[i] = (byte)(merged[i] & data[offset + i]);
            _file.Seek(address, SeekOrigin.Begin);
            _file.Write(merged, 0, count);
            _file.Flush();
        }

        public void EraseSector(int sectorIndex)
        {
            if (sectorIndex < 0 || (sectorIndex + 1) * _sectorSize > _size) throw new ArgumentOutOfRangeException("sectorIndex");
            var erased = Erased(_sectorSize);
            _file.Seek(sectorIndex * _sectorSize, SeekOrigin.Begin);
            _file.Write(erased, 0, erased.Length);
            _file.Flush();
        }

        public void Dispose()
        {
            _file.Dispose();
        }

        /// <summary>A new (or wrongly sized) file becomes all-erased flash.</summary>
        private void Format()
        {
            _file.SetLength(0);
            _file.Seek(0, SeekOrigin.Begin);
            var erased = Erased(_sectorSize);
            for (int s = 0; s < _size / _sectorSize; s++) _file.Write(erased, 0, erased.Length);
            _file.Flush();
        }

        private void Check(int address, int count)
        {
            if (address < 0 || count < 0 || address + count > _size) throw new ArgumentOutOfRangeException("address");
        }

        private static byte[] Erased(int length)
        {
            var b = new byte[length];
            for (int i = 0; i < length; i++) b[i] = 0xFF;
            return b;
        }
    }
}
