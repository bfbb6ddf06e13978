namespace NodeSim.RomBootloader;

/// <summary>A 4 KB sector the simulated flash erased, and the ROM command (opcode) that erased it.</summary>
public readonly record struct ErasedSector(long Address, byte Command)
{
    public long End => Address + RomWire.FLASH_SECTOR_SIZE;
}

/// <summary>Bytes the simulated flash programmed in one go, and the ROM command (opcode) that programmed them.</summary>
public readonly record struct ProgrammedRange(long Address, int Length, byte Command)
{
    public long End => Address + Length;
}
