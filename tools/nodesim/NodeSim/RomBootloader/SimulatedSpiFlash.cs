namespace NodeSim.RomBootloader;

/// <summary>
/// NOR SPI flash: erased bytes read 0xFF, erasing works on 4 KB sectors, programming can only clear bits
/// (new = old AND data), so writing over unerased data leaves a mix that a read-back catches.
/// </summary>
public sealed class SimulatedSpiFlash
{
    private readonly byte[] _contents;

    public SimulatedSpiFlash(int size = 4 * 1024 * 1024, uint jedecId = 0x1640EF)
    {
        if (size <= 0 || size % RomWire.FLASH_SECTOR_SIZE != 0)
        {
            throw new ArgumentException($"flash size {size} must be a positive multiple of the 4 KB sector", nameof(size));
        }

        _contents = new byte[size];
        _contents.AsSpan().Fill(0xFF);
        JedecId = jedecId;
    }

    public int Size => _contents.Length;

    /// <summary>RDID answer: manufacturer in the low byte, then memory type and capacity (default: a 4 MB Winbond part).</summary>
    public uint JedecId { get; }

    public long SectorsErased { get; private set; }

    public long BytesProgrammed { get; private set; }

    public ReadOnlySpan<byte> Contents => _contents;

    public bool Contains(long address, long length) => address >= 0 && length >= 0 && address + length <= _contents.Length;

    /// <summary>Erases every sector touched by [address, address + length).</summary>
    public void EraseRange(long address, long length)
    {
        if (length == 0)
        {
            return;
        }

        long first = address / RomWire.FLASH_SECTOR_SIZE * RomWire.FLASH_SECTOR_SIZE;
        long end = (address + length + RomWire.FLASH_SECTOR_SIZE - 1) / RomWire.FLASH_SECTOR_SIZE * RomWire.FLASH_SECTOR_SIZE;
        end = Math.Min(end, _contents.Length);
        _contents.AsSpan((int)first, (int)(end - first)).Fill(0xFF);
        SectorsErased += (end - first) / RomWire.FLASH_SECTOR_SIZE;
    }

    /// <summary>Programs bytes (AND into the cells) and returns whether the read-back equals the data.</summary>
    public bool Program(long address, ReadOnlySpan<byte> data)
    {
        var cells = _contents.AsSpan((int)address, data.Length);
        bool matches = true;
        for (int i = 0; i < data.Length; i++)
        {
            cells[i] &= data[i];
            matches &= cells[i] == data[i];
        }

        BytesProgrammed += data.Length;
        return matches;
    }

    public ReadOnlySpan<byte> Read(long address, int length) => _contents.AsSpan((int)address, length);

    /// <summary>Test setup: puts bytes in place as if programmed long ago.</summary>
    public void Load(long address, ReadOnlySpan<byte> data) => data.CopyTo(_contents.AsSpan((int)address));
}
