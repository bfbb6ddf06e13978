namespace NodeSim.RomBootloader;

public enum RomChipState
{
    /// <summary>EN is held low.</summary>
    HeldInReset,

    /// <summary>EN released and rising through its RC network; the chip samples IO0 when it crosses the threshold.</summary>
    EnRising,

    /// <summary>Booted from flash (IO0 was high at reset); the ROM loader does not listen.</summary>
    RunningApplication,

    /// <summary>Booted into the UART loader; waiting for a SYNC to lock the baud rate.</summary>
    DownloadMode,

    /// <summary>SYNC seen; commands are answered.</summary>
    Synced,

    /// <summary>MEM_END jumped into uploaded code, which the simulator cannot run: the chip is silent.</summary>
    RunningRamCode,
}
