namespace NodeFirmware.Core.Telemetry
{
    /// <summary>
    /// Which status messages carry the measured vitals (uptime, reconnects, heap, wake-to-publish): the first report in
    /// each hour of the clock, every report when reports are an hour apart or more. The counters are running totals, so
    /// an hourly sample loses nothing, and the status sent with every report stays short (docs/benchmarks.md, "wire").
    /// Boots and abnormal resets go in every status (they are rare and left out at their usual value).
    /// </summary>
    public static class VitalsCadence
    {
        public const int PeriodSeconds = 3600;

        public static bool IsDue(long unixSeconds, int reportIntervalSeconds)
        {
            if (reportIntervalSeconds >= PeriodSeconds) return true;
            long intoPeriod = unixSeconds % PeriodSeconds;
            return intoPeriod >= 0 && intoPeriod < reportIntervalSeconds;
        }
    }
}
