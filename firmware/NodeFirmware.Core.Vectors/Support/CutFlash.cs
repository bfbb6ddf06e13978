using System;
using NodeFirmware.Core.Hal;

namespace NodeFirmware.Core.Vectors
{
    /// <summary>
    /// NOR flash in memory that loses power at a chosen write (a Program or an EraseSector counts as one): the
    /// interrupted operation reaches only the first half of its bytes, then <see cref="PowerCutException"/> is
    /// thrown. Deterministic, so that .NET and nanoCLR see the same torn state.
    /// </summary>
    public class CutFlash : IFlash
    {
        private readonly byte[] _data;
        private readonly int _sectorSize;

        public CutFlash(int size, int sectorSize)
        {
            _data = new byte[size];
            _sectorSize = sectorSize;
            for (int i = 0; i < size; i++) _data[i] = 0xFF;
            CutAtWrite = -1;
        }

        /// <summary>The write (counting from 0) that power fails in; -1 for none.</summary>
        public long CutAtWrite;

        public long Writes { get; private set; }

        public int Size { get { return _data.Length; } }

        public int SectorSize { get { return _sectorSize; } }

        public void Read(int address, byte[] buffer, int offset, int count)
        {
            Array.Copy(_data, address, buffer, offset, count);
        }

        public void Program(int address, byte[] data, int offset, int count)
        {
            bool cut = Writes++ == CutAtWrite;
            int reach = cut ? count / 2 : count;
            for (int i = 0; i < reach; i++) _data[address + i] &= data[offset + i];
            if (cut) throw new PowerCutException();
        }

        public void EraseSector(int sectorIndex)
        {
            bool cut = Writes++ == CutAtWrite;
            int reach = cut ? _sectorSize / 2 : _sectorSize;
            for (int i = 0; i < reach; i++) _data[sectorIndex * _sectorSize + i] = 0xFF;
            if (cut) throw new PowerCutException();
        }
    }

    public class PowerCutException : Exception
    {
        public PowerCutException() : base("power cut") { }
    }
}
