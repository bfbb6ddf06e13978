namespace NodeFirmware.Core.Config
{
    /// <summary>Checks a whole configuration; the first problem found is the reason for a refusal.</summary>
    public static class ConfigValidator
    {
        /// <summary>Null when valid; otherwise why not.</summary>
        public static string Validate(DeviceConfig c)
        {
            if (c.SampleIntervalSeconds < 1 || c.SampleIntervalSeconds > 86400) return "sample_s must be 1..86400";
            if (c.ReportIntervalSeconds < c.SampleIntervalSeconds) return "report_s must not be shorter than sample_s";
            if (c.ReportIntervalSeconds > 7 * 86400) return "report_s must be at most 604800";
            if (c.MaxBatchReadings < 1 || c.MaxBatchReadings > 512) return "batch must be 1..512";
            if (!IsOversampling(c.TemperatureOversampling) || c.TemperatureOversampling == 0) return "os_t must be 1, 2, 4, 8 or 16";
            if (!IsOversampling(c.HumidityOversampling)) return "os_h must be 0, 1, 2, 4, 8 or 16";
            if (!IsOversampling(c.PressureOversampling)) return "os_p must be 0, 1, 2, 4, 8 or 16";
            if (c.FilterCoefficient != 0 && !IsOversampling(c.FilterCoefficient)) return "filter must be 0, 2, 4, 8 or 16";
            if (c.FilterCoefficient == 1) return "filter must be 0, 2, 4, 8 or 16";
            if (c.CriticalBatteryMillivolts < 0 || c.LowBatteryMillivolts > 5000) return "battery thresholds must be 0..5000 mV";
            if (c.CriticalBatteryMillivolts > c.LowBatteryMillivolts) return "bat_crit_mv must not exceed bat_low_mv";
            if (c.LowBatteryIntervalFactor < 1 || c.LowBatteryIntervalFactor > 64) return "low_factor must be 1..64";
            if (c.BackoffBaseSeconds < 1 || c.BackoffBaseSeconds > c.BackoffMaxSeconds) return "backoff_base_s must be 1..backoff_max_s";
            if (c.BackoffMaxSeconds > 86400) return "backoff_max_s must be at most 86400";
            if (c.LightSleepBelowSeconds < 0 || c.LightSleepBelowSeconds > 600) return "light_below_s must be 0..600";
            if (c.ListenWindowMilliseconds < 0 || c.ListenWindowMilliseconds > 60000) return "listen_ms must be 0..60000";
            if (c.AckWaitMilliseconds < 0 || c.AckWaitMilliseconds > 60000) return "ack_ms must be 0..60000";
            return null;
        }

        private static bool IsOversampling(int v)
        {
            return v == 0 || v == 1 || v == 2 || v == 4 || v == 8 || v == 16;
        }
    }
}
