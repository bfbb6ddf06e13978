using NodeSim.RomBootloader;

namespace NodeFirmware.Bench.Flash;

/// <summary>
/// One flashing client's session with a simulated ESP32 whose UART is paced at the baud rate
/// (RomRfc2217ServerOptions.PaceAtBaudRate): the chip's traffic counters, the time the chip's line was in use
/// (first byte received after the reset to the last byte sent) and the client's own run time, start-up included.
/// </summary>
public sealed record PacedFlashSession(RomTrafficCounters Traffic, TimeSpan LineWindow, TimeSpan ClientTime)
{
    public long WireBytes => Traffic.BytesFromHost + Traffic.BytesToHost;
}

/// <summary>A session's figures, or why the client could not be measured.</summary>
public sealed record PacedFlashOutcome(PacedFlashSession? Session, string? Problem);
