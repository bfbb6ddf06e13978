namespace NodeFirmware.Nodectl.Flashing;

/// <summary>Timeouts, retries and block size of <see cref="EspRomClient"/>; defaults follow esptool's for the ROM loader.</summary>
public sealed record EspRomClientOptions
{
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan SyncTimeout { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Reset-and-sync rounds before giving up.</summary>
    public int ConnectAttempts { get; init; } = 7;

    /// <summary>SYNC commands sent after each reset.</summary>
    public int SyncAttemptsPerReset { get; init; } = 5;

    /// <summary>Sends of one data block (or one MD5 request) before giving up.</summary>
    public int BlockAttempts { get; init; } = 3;

    /// <summary>How long EN is held low when resetting.</summary>
    public TimeSpan ResetHold { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long IO0 stays low after EN is released; every other attempt adds 500 ms, like esptool.</summary>
    public TimeSpan ResetDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Bytes per FLASH_DEFL_DATA / FLASH_DATA packet: 0x4000 like esptool-js with the ROM loader (fewer round trips);
    /// 0x400 is esptool.py's ROM packet size. A divisor of the 4 KB sector or a multiple of it; plain writes send what
    /// does not fill a whole packet as one packet of whole sectors, so their 0xFF padding stays inside the erased sectors.
    /// </summary>
    public int FlashBlockSize { get; init; } = RomProtocol.LARGE_FLASH_WRITE_SIZE;

    public double EraseRegionSecondsPerMb { get; init; } = 40;

    public double EraseWriteSecondsPerMb { get; init; } = 40;

    public double Md5SecondsPerMb { get; init; } = 8;

    /// <summary>Replaced by tests to skip the wall-clock pauses of the reset sequence.</summary>
    public Action<TimeSpan> Sleep { get; init; } = Thread.Sleep;

    /// <summary>The ROM's time for work on <paramref name="bytes"/> bytes at <paramref name="secondsPerMb"/>, never below the default timeout.</summary>
    public TimeSpan ScaledTimeout(double secondsPerMb, long bytes)
    {
        var scaled = TimeSpan.FromSeconds(secondsPerMb * (bytes / 1e6));
        return scaled > DefaultTimeout ? scaled : DefaultTimeout;
    }
}
