using NodeFirmware.Core.Hal;

namespace NodeSim.Provisioning;

/// <summary>
/// A minimal in-memory NOR flash for the virtual node's identity storage: erase sets 0xFF, program can
/// only clear bits. (NodeSim has no general simulated flash yet; this stands in for it here.)
/// </summary>
public sealed class ProvisioningFlash : IFlash
{
    private readonly byte[] _cells;
    private readonly object _gate = new();

    public ProvisioningFlash(int size = 16 * 4096, int sectorSize = 4096)
    {
        if (sectorSize <= 0 || size <= 0 || size % sectorSize != 0) throw new ArgumentException("size must be a positive multiple of the sector size");
        _cells = new byte[size];
        Array.Fill(_cells, (byte)0xFF);
        SectorSize = sectorSize;
    }

    public int Size => _cells.Length;
    public int SectorSize { get; }

    /// <summary>Programs and erases so far.</summary>
    public long Writes { get; private set; }

    public void Read(int address, byte[] buffer, int offset, int count)
    {
        Check(address, count);
        lock (_gate) Array.Copy(_cells, address, buffer, offset, count);
    }

    public void Program(int address, byte[] data, int offset, int count)
    {
        Check(address, count);
        lock (_gate)
        {
            Writes++;
            for (int i = 0; i < count; i++) _cells[address + i] &= data[offset + i];
        }
    }

    public void EraseSector(int sectorIndex)
    {
        Check(sectorIndex * SectorSize, SectorSize);
        lock (_gate)
        {
            Writes++;
            Array.Fill(_cells, (byte)0xFF, sectorIndex * SectorSize, SectorSize);
        }
    }

    /// <summary>A copy of the whole flash, e.g. to look for secrets that should be gone.</summary>
    public byte[] Snapshot()
    {
        lock (_gate) return (byte[])_cells.Clone();
    }

    private void Check(int address, int count)
    {
        if (address < 0 || count < 0 || address + count > _cells.Length)
            throw new ArgumentOutOfRangeException(nameof(address), $"0x{address:x}+{count} is outside the {_cells.Length}-byte flash");
    }
}
