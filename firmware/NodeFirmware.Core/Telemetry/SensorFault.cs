namespace NodeFirmware.Core.Telemetry
{
    /// <summary>Why a reading has no sensor values. Stored as a byte in the journal; sent as its code text.</summary>
    public enum SensorFault
    {
        None = 0,
        Absent = 1,
        Timeout = 2,
        WrongChipId = 3,
        ConfigurationRejected = 4,
        Implausible = 5,
        BusError = 6,
    }

    public static class SensorFaultCodes
    {
        public static string ToCode(SensorFault fault)
        {
            switch (fault)
            {
                case SensorFault.None: return "none";
                case SensorFault.Absent: return "sensor.absent";
                case SensorFault.Timeout: return "sensor.timeout";
                case SensorFault.WrongChipId: return "sensor.chip-id";
                case SensorFault.ConfigurationRejected: return "sensor.config";
                case SensorFault.Implausible: return "sensor.implausible";
                case SensorFault.BusError: return "sensor.bus";
                default: return "sensor.unknown";
            }
        }

        /// <summary>Maps a sensor adapter's fault text back to a fault; unknown texts become BusError.</summary>
        public static SensorFault FromCode(string code)
        {
            for (int f = 1; f <= (int)SensorFault.BusError; f++)
            {
                if (ToCode((SensorFault)f) == code) return (SensorFault)f;
            }
            return SensorFault.BusError;
        }
    }
}
