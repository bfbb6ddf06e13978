namespace NodeFirmware.Core.Hal
{
    /// <summary>Time as the node sees it. Uptime restarts at every boot and every deep-sleep wake.</summary>
    public interface IClock
    {
        /// <summary>Milliseconds since this boot (or wake from deep sleep); monotonic.</summary>
        long UptimeMillis { get; }

        /// <summary>Wall-clock time, Unix seconds (UTC). Meaningful only when <see cref="IsTimeValid"/>.</summary>
        long UnixTimeSeconds { get; }

        /// <summary>True once the clock was set (SNTP, or kept by the RTC across deep sleep).</summary>
        bool IsTimeValid { get; }
    }
}
