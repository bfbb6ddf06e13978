using System;
using NodeFirmware.Core.Hal;

namespace NodeFirmware.Core.Storage
{
    /// <summary>A sector-aligned part of a larger flash, seen as a flash of its own.</summary>
    public class FlashWindow : IFlash
    {
        private readonly IFlash _inner;
        private readonly int _offset;

        public FlashWindow(IFlash inner, int firstSector, int sectorCount)
        {
            if (firstSector < 0 || sectorCount < 1 || (firstSector + sectorCount) * inner.SectorSize > inner.Size)
                throw new ArgumentException("window outside the flash");
            _inner = inner;
            _offset = firstSector * inner.SectorSize;
            Size = sectorCount * inner.SectorSize;
            FirstSector = firstSector;
        }

        public int Size { get; private set; }

        public int SectorSize { get { return _inner.SectorSize; } }

        public int FirstSector { get; private set; }

        public void Read(int address, byte[] buffer, int offset, int count)
        {
            Check(address, count);
            _inner.Read(_offset + address, buffer, offset, count);
        }

        public void Program(int address, byte[] data, int offset, int count)
        {
            Check(address, count);
            _inner.Program(_offset + address, data, offset, count);
        }

        public void EraseSector(int sectorIndex)
        {
            Check(sectorIndex * SectorSize, SectorSize);
            _inner.EraseSector(FirstSector + sectorIndex);
        }

        private void Check(int address, int count)
        {
            if (address < 0 || count < 0 || address + count > Size) throw new ArgumentOutOfRangeException("address");
        }
    }
}
