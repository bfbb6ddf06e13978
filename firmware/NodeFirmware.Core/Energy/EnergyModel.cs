using NodeFirmware.Core.Config;
using NodeFirmware.Core.Link;

namespace NodeFirmware.Core.Energy
{
    /// <summary>
    /// Expected charge per day: each phase's current × its duration × how often it happens, and the
    /// rest of the day asleep. Charge in mAh = mA × ms / 3,600,000.
    /// </summary>
    public static class EnergyModel
    {
        private const double MsPerHour = 3600000.0;
        private const double MsPerDay = 86400000.0;

        public static EnergyEstimate Estimate(PowerProfile p, DutyCycle d)
        {
            var e = new EnergyEstimate();
            double bootMs = d.BootsPerDay * p.BootMilliseconds;
            double sampleMs = d.SamplesPerDay * p.SampleMilliseconds;
            double connectWifiMs = d.ConnectionsPerDay * p.WifiConnectMilliseconds;
            double connectTlsMs = d.ConnectionsPerDay * p.TlsHandshakeMilliseconds;
            double publishMs = d.MessagesPerDay * p.PublishMillisecondsPerMessage + d.BytesPerDay / 1024.0 * p.PublishMillisecondsPerKilobyte;

            e.BootMah = bootMs * p.BootMilliamps / MsPerHour;
            e.SampleMah = sampleMs * p.SampleMilliamps / MsPerHour;
            e.ConnectMah = (connectWifiMs * p.WifiConnectMilliamps + connectTlsMs * p.TlsHandshakeMilliamps) / MsPerHour;
            e.PublishMah = publishMs * p.RadioActiveMilliamps / MsPerHour;
            e.ListenMah = d.ListenMillisecondsPerDay * p.RadioActiveMilliamps / MsPerHour;

            double failedJoinMs = d.FailedWifiJoinsPerDay * ConnectLimits.WifiJoinWorstMillis;
            double failedBrokerWifiMs = d.FailedBrokerConnectsPerDay * p.WifiConnectMilliseconds;
            double failedBrokerMs = d.FailedBrokerConnectsPerDay * ConnectLimits.MqttConnectMillis;
            e.FailedConnectMah = ((failedJoinMs + failedBrokerWifiMs) * p.WifiConnectMilliamps + failedBrokerMs * p.RadioActiveMilliamps) / MsPerHour;

            double awakeMs = bootMs + sampleMs + connectWifiMs + connectTlsMs + publishMs + d.ListenMillisecondsPerDay
                + failedJoinMs + failedBrokerWifiMs + failedBrokerMs;
            double sleepMs = MsPerDay - awakeMs;
            if (sleepMs < 0) sleepMs = 0;
            double sleepMa = d.LightSleepShare * p.LightSleepMilliamps + (1 - d.LightSleepShare) * p.DeepSleepMilliamps;
            e.SleepMah = sleepMs * sleepMa / MsPerHour;

            double total = e.TotalMahPerDay;
            e.BatteryLifeDays = total > 0 ? p.BatteryCapacityMilliampHours * p.BatteryUsableFraction / total : 0;
            return e;
        }

        /// <summary>
        /// The duty cycle of NodeFirmware's own policy for a configuration: a deep-sleep wake per sample
        /// (light sleep when the interval is shorter than a boot is worth), one connection and one
        /// batch message per report interval.
        /// </summary>
        public static DutyCycle ForConfig(DeviceConfig c, int bytesPerBatchMessage)
        {
            var d = new DutyCycle();
            d.SamplesPerDay = 86400.0 / c.SampleIntervalSeconds;
            bool light = c.SampleIntervalSeconds < c.LightSleepBelowSeconds;
            d.BootsPerDay = light ? 0 : d.SamplesPerDay; // light sleep keeps the application running
            d.LightSleepShare = light ? 1 : 0;
            d.ConnectionsPerDay = 86400.0 / c.ReportIntervalSeconds;
            double readingsPerBatch = (double)c.ReportIntervalSeconds / c.SampleIntervalSeconds;
            double messagesPerReport = readingsPerBatch <= c.MaxBatchReadings ? 1 : readingsPerBatch / c.MaxBatchReadings;
            d.MessagesPerDay = d.ConnectionsPerDay * (messagesPerReport + 1); // + the retained status message
            d.BytesPerDay = d.ConnectionsPerDay * messagesPerReport * bytesPerBatchMessage;
            d.ListenMillisecondsPerDay = d.ConnectionsPerDay * c.ListenWindowMilliseconds;
            return d;
        }

        /// <summary>
        /// The duty cycle with connection attempts that fail at <paramref name="failureRate"/> (0..1, per attempt,
        /// independently): each report then needs 1 / (1 − rate) attempts on average, so rate / (1 − rate) failed
        /// ones per report. <paramref name="wifiFails"/> picks where they fail: no Wi-Fi (the join runs to its
        /// bound) or no broker (Wi-Fi joins, the MQTT connect runs to its bound). The retries happen at wakes the
        /// node has anyway (back-off, then the next sample), so no boots are added.
        /// </summary>
        public static DutyCycle WithLinkFailures(DutyCycle d, double failureRate, bool wifiFails)
        {
            if (failureRate < 0 || failureRate >= 1) throw new System.ArgumentOutOfRangeException("failureRate", "a failure rate is 0 or more and below 1");
            DutyCycle r = d.Clone();
            double failed = d.ConnectionsPerDay * failureRate / (1 - failureRate);
            r.FailedWifiJoinsPerDay = d.FailedWifiJoinsPerDay + (wifiFails ? failed : 0);
            r.FailedBrokerConnectsPerDay = d.FailedBrokerConnectsPerDay + (wifiFails ? 0 : failed);
            return r;
        }

        /// <summary>
        /// The sleep length above which deep sleep (and a full boot on waking) costs less than staying in
        /// light sleep: boot charge ÷ (light − deep sleep current). Below it, light sleep wins.
        /// </summary>
        public static double DeepSleepBreakEvenSeconds(PowerProfile p)
        {
            double saved = p.LightSleepMilliamps - p.DeepSleepMilliamps;
            if (saved <= 0) return 0;
            return p.BootMilliseconds * p.BootMilliamps / saved / 1000.0;
        }

        /// <summary>A configuration with the light/deep sleep threshold set at the board's break-even.</summary>
        public static DeviceConfig TunedForBoard(DeviceConfig c, PowerProfile p)
        {
            var tuned = c.Clone();
            double breakEven = DeepSleepBreakEvenSeconds(p);
            tuned.LightSleepBelowSeconds = breakEven >= 600 ? 600 : (int)breakEven + 1;
            return tuned;
        }

        /// <summary>The naive design for comparison: wake, connect, publish one message per reading, deep sleep.</summary>
        public static DutyCycle ConnectPerReading(int sampleIntervalSeconds, int bytesPerMessage)
        {
            var d = new DutyCycle();
            d.SamplesPerDay = 86400.0 / sampleIntervalSeconds;
            d.BootsPerDay = d.SamplesPerDay;
            d.ConnectionsPerDay = d.SamplesPerDay;
            d.MessagesPerDay = d.SamplesPerDay;
            d.BytesPerDay = d.SamplesPerDay * bytesPerMessage;
            return d;
        }
    }
}
