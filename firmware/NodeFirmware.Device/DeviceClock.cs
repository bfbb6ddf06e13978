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

        private static readonly DateTime UnixEpoch = new DateTime(1970, 1, 1, 0, 0, 0);

        public long UptimeMillis
        {
            get { return Environment.TickCount64; }
        }

        public long UnixTimeSeconds
        {
            get { return (DateTime.UtcNow - UnixEpoch).Ticks / TimeSpan.TicksPerSecond; }
        }

        public bool IsTimeValid
        {
            get { return DateTime.UtcNow.Year >= FirstValidYear; }
        }
    }
}
