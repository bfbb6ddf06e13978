using NodeFirmware.Core.Hal;

namespace NodeFirmware.Core.Tests.Support;

/// <summary>Thrown by <see cref="NorFlash"/> when the scripted power cut happens.</summary>
public sealed class PowerCutException : Exception
{
    public PowerCutException() : base("power cut") { }
}

/// <summary>
/// A NOR flash for tests: erase sets 0xFF, program can only clear bits, and a power cut can be
/// scheduled at the N-th write (program or erase), leaving that write torn: a random prefix of it
/// applied, and the byte at the cut point a random mix of old and new bits.
/// </summary>
public sealed class NorFlash : IFlash
{
    private readonly byte[] _cells;
    private readonly Random _random;

    public NorFlash(int size, int sectorSize, int seed = 1)
    {
        _cells = new byte[size];
        Array.Fill(_cells, (byte)0xFF);
        SectorSize = sectorSize;
        _random = new Random(seed);
    }

    public int Size => _cells.Length;
    public int SectorSize { get; }
    public long Writes { get; private set; }

    /// <summary>The write index (counting from 0) at which power fails; -1 for never.</summary>
    public long CutAtWrite { get; set; } = -1;

    public void Read(int address, byte[] buffer, int offset, int count)
    {
        Check(address, count);
        Array.Copy(_cells, address, buffer, offset, count);
    }

    public void Program(int address, byte[] data, int offset, int count)
    {
        Check(address, count);
        int applied = count;
        bool cut = Writes++ == CutAtWrite;
        if (cut) applied = _random.Next(count + 1);
        for (int i = 0; i < applied; i++) _cells[address + i] &= data[offset + i];
        if (cut)
        {
            if (applied < count) _cells[address + applied] &= (byte)(data[offset + applied] | _random.Next(256));
            throw new PowerCutException();
        }
    }

    public void EraseSector(int sectorIndex)
    {
        int address = sectorIndex * SectorSize;
        Check(address, SectorSize);
        bool cut = Writes++ == CutAtWrite;
        int applied = cut ? _random.Next(SectorSize + 1) : SectorSize;
        for (int i = 0; i < applied; i++) _cells[address + i] = 0xFF;
        if (cut) throw new PowerCutException();
    }

    private void Check(int address, int count)
    {
        if (address < 0 || count < 0 || address + count > _cells.Length) throw new ArgumentOutOfRangeException(nameof(address));
    }
}
