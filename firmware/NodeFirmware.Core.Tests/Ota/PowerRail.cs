using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Tests.Support;

namespace NodeFirmware.Core.Tests.Ota;

/// <summary>
/// One power supply for the boot-state flash and the slot storage: writes to either are counted together,
/// the scripted one is torn, and from then on the device is dead (every operation throws) until
/// <see cref="Restore"/> — so no code runs "after" the cut, as on a real board.
/// </summary>
public sealed class PowerRail
{
    public long Writes { get; private set; }
    public long CutAtWrite { get; set; } = -1;
    public bool Dead { get; private set; }

    /// <summary>Call before each write; true when this write is the one the cut tears.</summary>
    public bool NextWriteIsCut()
    {
        ThrowIfDead();
        bool cut = Writes++ == CutAtWrite;
        if (cut) Dead = true;
        return cut;
    }

    public void ThrowIfDead()
    {
        if (Dead) throw new PowerCutException();
    }

    public void Restore()
    {
        Dead = false;
        CutAtWrite = -1;
    }
}

/// <summary>A flash on the rail; the torn write itself is the simulated NOR flash's.</summary>
public sealed class RailFlash(NorFlash inner, PowerRail rail) : IFlash
{
    public int Size => inner.Size;
    public int SectorSize => inner.SectorSize;

    public void Read(int address, byte[] buffer, int offset, int count)
    {
        rail.ThrowIfDead();
        inner.Read(address, buffer, offset, count);
    }

    public void Program(int address, byte[] data, int offset, int count)
    {
        if (rail.NextWriteIsCut()) inner.CutAtWrite = inner.Writes;
        inner.Program(address, data, offset, count);
    }

    public void EraseSector(int sectorIndex)
    {
        if (rail.NextWriteIsCut()) inner.CutAtWrite = inner.Writes;
        inner.EraseSector(sectorIndex);
    }
}

/// <summary>Slot storage on the rail: a cut write leaves a random prefix of its bytes (what LittleFS may commit), a cut erase nothing or everything.</summary>
public sealed class RailSlotStorage(ISlotStorage inner, PowerRail rail, int seed) : ISlotStorage
{
    private readonly Random _random = new(seed);

    public void EraseSlot(int slot)
    {
        bool cut = rail.NextWriteIsCut();
        if (!cut || _random.Next(2) == 0) inner.EraseSlot(slot);
        if (cut) throw new PowerCutException();
    }

    public void DeleteFile(int slot, string name)
    {
        bool cut = rail.NextWriteIsCut();
        if (!cut || _random.Next(2) == 0) inner.DeleteFile(slot, name);
        if (cut) throw new PowerCutException();
    }

    public void Write(int slot, string name, int fileOffset, byte[] data, int dataOffset, int count)
    {
        if (rail.NextWriteIsCut())
        {
            int applied = _random.Next(count + 1);
            if (applied > 0 || inner.FileLength(slot, name) >= 0) inner.Write(slot, name, fileOffset, data, dataOffset, applied);
            throw new PowerCutException();
        }
        inner.Write(slot, name, fileOffset, data, dataOffset, count);
    }

    public int Read(int slot, string name, int fileOffset, byte[] buffer, int bufferOffset, int count)
    {
        rail.ThrowIfDead();
        return inner.Read(slot, name, fileOffset, buffer, bufferOffset, count);
    }

    public int FileLength(int slot, string name)
    {
        rail.ThrowIfDead();
        return inner.FileLength(slot, name);
    }

    public string[] List(int slot)
    {
        rail.ThrowIfDead();
        return inner.List(slot);
    }
}
