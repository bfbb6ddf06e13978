namespace NodeSim.RomBootloader;

/// <summary>
/// NOR SPI flash: erased bytes read 0xFF, erasing works on 4 KB sectors, programming can only clear bits
/// (new = old AND data), so writing over unerased data leaves a mix that a read-back catches. Every sector erase and
/// every programmed range is recorded with the ROM command behind it, so tests can show what a write touched.
/// Read the records once the host is done talking to the chip.
/// </summary>
public sealed class SimulatedSpiFlash
{
    private readonly byte[] _contents;
    private readonly List<ErasedSector> _erased = new();
    private readonly List<ProgrammedRange> _programmed = new();

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

    /// <summary>Every sector erase, in order (a sector erased twice appears twice).</summary>
    public IReadOnlyList<ErasedSector> ErasedSectors => _erased;

    /// <summary>Every program operation, in order: one per FLASH_DATA packet, one per inflated chunk of FLASH_DEFL_DATA.</summary>
    public IReadOnlyList<ProgrammedRange> ProgrammedRanges => _programmed;

    public long SectorsErased => _erased.Count;

    public long BytesProgrammed { get; private set; }

    public ReadOnlySpan<byte> Contents => _contents;

    public bool Contains(long address, long length) => address >= 0 && length >= 0 && address + length <= _contents.Length;

    /// <summary>Erases the 4 KB sector that starts at <paramref name="address"/>, on behalf of ROM command <paramref name="command"/>.</summary>
    public void EraseSector(long address, byte command)
    {
        if (address % RomWire.FLASH_SECTOR_SIZE != 0 || !Contains(address, RomWire.FLASH_SECTOR_SIZE))
        {
            throw new ArgumentOutOfRangeException(nameof(address), $"0x{address:X} is not the start of a sector of this {Size}-byte flash");
        }

        _contents.AsSpan((int)address, RomWire.FLASH_SECTOR_SIZE).Fill(0xFF);
        _erased.Add(new ErasedSector(address, command));
    }

    /// <summary>Programs bytes (AND into the cells) and returns whether the read-back equals the data.</summary>
    public bool Program(long address, ReadOnlySpan<byte> data, byte command)
    {
        if (!Contains(address, data.Length))
        {
            throw new ArgumentOutOfRangeException(nameof(address), $"0x{address:X}+{data.Length} is outside this {Size}-byte flash");
        }

        var cells = _contents.AsSpan((int)address, data.Length);
        bool matches = true;
        for (int i = 0; i < data.Length; i++)
        {
            cells[i] &= data[i];
            matches &= cells[i] == data[i];
        }

        BytesProgrammed += data.Length;
        _programmed.Add(new ProgrammedRange(address, data.Length, command));
        return matches;
    }

    public ReadOnlySpan<byte> Read(long address, int length) => _contents.AsSpan((int)address, length);

    /// <summary>Test setup: puts bytes in place as if programmed long ago (not recorded).</summary>
    public void Load(long address, ReadOnlySpan<byte> data) => data.CopyTo(_contents.AsSpan((int)address));
}
