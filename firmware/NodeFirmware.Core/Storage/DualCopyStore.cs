using System;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Util;

namespace NodeFirmware.Core.Storage
{
    /// <summary>
    /// A small blob kept in two flash sectors, written alternately: a power cut while one copy is
    /// rewritten leaves the other intact. Each copy: magic u32, sequence u32, length u32, CRC-32 of the
    /// payload u32, then the payload. The newest valid copy wins.
    /// </summary>
    public class DualCopyStore
    {
        private const uint Magic = 0x3243464E; // "NFC2"
        private const int HeaderSize = 16;

        private readonly IFlash _flash;
        private readonly int _firstSector;
        private uint _sequence;
        private int _newest = -1;

        /// <summary>Uses sectors <paramref name="firstSector"/> and the one after it.</summary>
        public DualCopyStore(IFlash flash, int firstSector)
        {
            _flash = flash;
            _firstSector = firstSector;
            if ((firstSector + 2) * flash.SectorSize > flash.Size) throw new ArgumentException("two sectors needed");
        }

        public int MaxPayload { get { return _flash.SectorSize - HeaderSize; } }

        /// <summary>The newest valid payload, or null when neither copy is valid.</summary>
        public byte[] Read()
        {
            byte[] best = null;
            uint bestSequence = 0;
            _newest = -1;
            for (int copy = 0; copy < 2; copy++)
            {
                var header = new byte[HeaderSize];
                int address = (_firstSector + copy) * _flash.SectorSize;
                _flash.Read(address, header, 0, HeaderSize);
                if (ByteOrder.ReadUInt32LE(header, 0) != Magic) continue;
                uint sequence = ByteOrder.ReadUInt32LE(header, 4);
                uint length = ByteOrder.ReadUInt32LE(header, 8);
                if (length > (uint)MaxPayload) continue;
                var payload = new byte[length];
                _flash.Read(address + HeaderSize, payload, 0, (int)length);
                if (Crc32.Compute(payload, 0, payload.Length) != ByteOrder.ReadUInt32LE(header, 12)) continue;
                if (best == null || sequence > bestSequence)
                {
                    best = payload;
                    bestSequence = sequence;
                    _newest = copy;
                }
            }
            _sequence = best == null ? 0 : bestSequence;
            return best;
        }

        /// <summary>Writes a new payload over the older copy.</summary>
        public void Write(byte[] payload)
        {
            if (payload.Length > MaxPayload) throw new ArgumentException("payload larger than a sector");
            if (_newest < 0 && _sequence == 0) Read();
            int target = _newest == 0 ? 1 : 0;
            var image = new byte[HeaderSize + payload.Length];
            ByteOrder.WriteUInt32LE(image, 0, Magic);
            ByteOrder.WriteUInt32LE(image, 4, _sequence + 1);
            ByteOrder.WriteUInt32LE(image, 8, (uint)payload.Length);
            ByteOrder.WriteUInt32LE(image, 12, Crc32.Compute(payload, 0, payload.Length));
            Array.Copy(payload, 0, image, HeaderSize, payload.Length);
            _flash.EraseSector(_firstSector + target);
            _flash.Program((_firstSector + target) * _flash.SectorSize, image, 0, image.Length);
            _sequence++;
            _newest = target;
        }
    }
}
