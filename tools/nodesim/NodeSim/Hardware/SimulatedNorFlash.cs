using NodeFirmware.Core.Hal;

namespace NodeSim.Hardware;

/// <summary>
/// NOR flash as the ESP32's SPI flash behaves: erase sets a sector to 0xFF, program can only clear bits.
/// A power cut can be scheduled at the N-th write (program or erase); that write is left torn: a random
/// prefix applied and the byte at the cut point a random mix of old and new bits. Erases are counted per
/// sector, because wear is what limits how often the node may write.
/// </summary>
public class SimulatedNorFlash : IFlash
{
    private readonly byte[] _cells;
    private readonly int[] _erasesPerSector;
    private readonly Random _random;

    public SimulatedNorFlash(int size, int sectorSize, int seed = 1)
    {
        if (size <= 0 || sectorSize <= 0 || size % sectorSize != 0) throw new ArgumentException("size must be a positive multiple of the sector size");
        _cells = new byte[size];
        Array.Fill(_cells, (byte)0xFF);
        _erasesPerSector = new int[size / sectorSize];
        SectorSize = sectorSize;
        _random = new Random(seed);
    }

    public int Size => _cells.Length;
    public int SectorSize { get; }

    /// <summary>Programs and erases so far.</summary>
    public long Writes { get; private set; }

    public long BytesProgrammed { get; private set; }

    /// <summary>The write index (counting from 0) at which power fails; -1 for never.</summary>
    public long CutAtWrite { get; set; } = -1;

    public int ErasesOf(int sector) => _erasesPerSector[sector];

    public int MaxErases => _erasesPerSector.Max();

    public void Read(int address, byte[] buffer, int offset, int count)
    {
        Check(address, count);
        Array.Copy(_cells, address, buffer, offset, count);
    }

    public void Program(int address, byte[] data, int offset, int count)
    {
        Check(address, count);
        bool cut = Writes++ == CutAtWrite;
        int applied = cut ? _random.Next(count + 1) : count;
        for (int i = 0; i < applied; i++) _cells[address + i] &= data[offset + i];
        BytesProgrammed += applied;
        if (!cut) return;
        if (applied < count) _cells[address + applied] &= (byte)(data[offset + applied] | _random.Next(256));
        throw new PowerCutException();
    }

    public void EraseSector(int sectorIndex)
    {
        int address = sectorIndex * SectorSize;
        Check(address, SectorSize);
        bool cut = Writes++ == CutAtWrite;
        int applied = cut ? _random.Next(SectorSize + 1) : SectorSize;
        Array.Fill(_cells, (byte)0xFF, address, applied);
        _erasesPerSector[sectorIndex]++;
        if (cut) throw new PowerCutException();
    }

    private void Check(int address, int count)
    {
        if (address < 0 || count < 0 || address + count > _cells.Length)
            throw new ArgumentOutOfRangeException(nameof(address), $"0x{address:X}+{count} is outside the {_cells.Length}-byte flash");
    }
}
