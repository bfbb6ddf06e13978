namespace NodeFirmware.Core.Config
{
    /// <summary>
    /// What the node does and how often. Changed remotely through nodes/{id}/config (docs/formats/config.md);
    /// a change is applied only when <see cref="ConfigValidator"/> accepts the whole result.
    /// </summary>
    public class DeviceConfig
    {
        /// <summary>Revision of the desired configuration this was built from; reported back when applied.</summary>
        public uint Revision;

        public int SampleIntervalSeconds = 60;
        public int ReportIntervalSeconds = 900;
        public int MaxBatchReadings = 60;

        public int TemperatureOversampling = 1;
        public int HumidityOversampling = 1;
        public int PressureOversampling = 1;
        public int FilterCoefficient = 0;

        /// <summary>At or below: low-power mode (intervals stretched by <see cref="LowBatteryIntervalFactor"/>).</summary>
        public int LowBatteryMillivolts = 3500;

        /// <summary>At or below: critical mode (no radio; samples kept in the journal).</summary>
        public int CriticalBatteryMillivolts = 3300;

        public int LowBatteryIntervalFactor = 4;

        public int BackoffBaseSeconds = 30;
        public int BackoffMaxSeconds = 3600;

        /// <summary>Waits shorter than this use light sleep: a deep-sleep wake costs a full boot.</summary>
        public int LightSleepBelowSeconds = 5;

        /// <summary>How long the node stays connected after a flush to receive configuration and commands.</summary>
        public int ListenWindowMilliseconds = 1500;

        /// <summary>
        /// 0: a batch leaves the journal on the broker's PUBACK. Above 0: it stays until the receiver's
        /// acknowledgement (nodes/{id}/telemetry/ack) says it is committed, and the node waits at most this long
        /// per connection for those acknowledgements (docs/firmware-core.md, "Delivery").
        /// </summary>
        public int AckWaitMilliseconds = 0;

        public DeviceConfig Clone()
        {
            return (DeviceConfig)MemberwiseClone();
        }
    }
}
