using System;
using NodeFirmware.Core.Hal;

namespace NodeFirmware.Device
{
    /// <summary>
    /// Core's IClock. Uptime: Environment.TickCount64 (nanoFramework.Runtime.Native), which restarts with
    /// every boot and deep-sleep wake as Core expects. Wall clock: DateTime.UtcNow, which nanoCLR on the ESP32
    /// reads with gettimeofday; ESP-IDF keeps that time through deep sleep on the RTC timer, and SNTP
    /// (started by the Wi-Fi link) sets it after a cold boot.
    /// </summary>
    public class DeviceClock : IClock
    {
        /// <summary>Before this the clock was never set (nanoCLR starts at its build date or 1970).</summary>
        private const int FirstValidYear = 2024;

        /// <summary>DateTime ticks of 1970-01-01T00:00:00Z: a constant, not a static DateTime (docs/firmware-core-rules.md, "Static state").</summary>
        private const long UnixEpochTicks = 621355968000000000;

        public long UptimeMillis
        {
            get { return Environment.TickCount64; }
        }

        public long UnixTimeSeconds
        {
            get { return (DateTime.UtcNow.Ticks - UnixEpochTicks) / TimeSpan.TicksPerSecond; }
        }

        public bool IsTimeValid
        {
            get { return DateTime.UtcNow.Year >= FirstValidYear; }
        }
    }
}
