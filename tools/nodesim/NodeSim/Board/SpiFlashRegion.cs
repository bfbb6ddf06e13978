using NodeFirmware.Core.Hal;
using NodeSim.RomBootloader;

namespace NodeSim.Board;

/// <summary>
/// A partition of the board's SPI flash as the firmware sees it (Core's <see cref="IFlash"/>): addresses from the
/// partition's start, the flash's 4 KB sectors. Whatever the firmware stores here is in the same flash the ROM loader
/// writes, reads back and erases, so it survives resets, is untouched by flashing other regions and is gone when
/// the region is erased.
/// </summary>
public sealed class SpiFlashRegion : IFlash
{
    /// <summary>The "command" recorded for the firmware's own erases and writes (no ROM opcode is 0x00).</summary>
    public const byte ApplicationWrite = 0x00;

    private readonly SimulatedSpiFlash _flash;
    private readonly int _offset;

    public SpiFlashRegion(SimulatedSpiFlash flash, int offset, int size)
    {
        if (offset < 0 || size <= 0 || offset % RomWire.FLASH_SECTOR_SIZE != 0 || size % RomWire.FLASH_SECTOR_SIZE != 0 || !flash.Contains(offset, size))
        {
            throw new ArgumentException($"0x{offset:x}+0x{size:x} is not a sector-aligned region of the {flash.Size}-byte flash");
        }

        _flash = flash;
        _offset = offset;
        Size = size;
    }

    public int Size { get; }

    public int SectorSize => RomWire.FLASH_SECTOR_SIZE;

    public void Read(int address, byte[] buffer, int offset, int count)
    {
        Check(address, count);
        lock (_flash) _flash.Read(_offset + address, count).CopyTo(buffer.AsSpan(offset, count));
    }

    public void Program(int address, byte[] data, int offset, int count)
    {
        Check(address, count);
        lock (_flash) _flash.Program(_offset + address, data.AsSpan(offset, count), ApplicationWrite); // the firmware's node writes from its own task
    }

    public void EraseSector(int sectorIndex)
    {
        Check(sectorIndex * SectorSize, SectorSize);
        lock (_flash) _flash.EraseSector(_offset + ((long)sectorIndex * SectorSize), ApplicationWrite);
    }

    private void Check(int address, int count)
    {
        if (address < 0 || count < 0 || (long)address + count > Size)
        {
            throw new ArgumentOutOfRangeException(nameof(address), $"0x{address:x}+{count} is outside the {Size}-byte region");
        }
    }
}
