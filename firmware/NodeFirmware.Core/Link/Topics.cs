namespace NodeFirmware.Core.Link
{
    /// <summary>The MQTT topics of one device (docs/formats/README.md).</summary>
    public class Topics
    {
        public Topics(string deviceId)
        {
            string root = "nodes/" + deviceId + "/";
            Telemetry = root + "telemetry";
            TelemetryAck = root + "telemetry/ack";
            Status = root + "status";
            Config = root + "config";
            ConfigReported = root + "config/reported";
            Command = root + "cmd";
            CommandAck = root + "cmd/ack";
            OtaPrefix = root + "ota/";
        }

        public string Telemetry { get; private set; }

        /// <summary>The receiver's acknowledgement of a committed batch (cloud → device).</summary>
        public string TelemetryAck { get; private set; }
        public string Status { get; private set; }
        public string Config { get; private set; }
        public string ConfigReported { get; private set; }
        public string Command { get; private set; }
        public string CommandAck { get; private set; }
        public string OtaPrefix { get; private set; }
    }
}
