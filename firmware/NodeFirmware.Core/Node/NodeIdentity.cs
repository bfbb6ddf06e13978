namespace NodeFirmware.Core.Node
{
    /// <summary>Who the node is and what it runs.</summary>
    public class NodeIdentity
    {
        public NodeIdentity(string deviceId, string firmwareVersion, string slot, bool trial)
        {
            DeviceId = deviceId;
            FirmwareVersion = firmwareVersion;
            Slot = slot;
            Trial = trial;
        }

        /// <summary>The certificate's CN, e.g. esp32-a1b2c3d4e5f6.</summary>
        public string DeviceId { get; private set; }
        public string FirmwareVersion { get; private set; }
        public string Slot { get; private set; }
        public bool Trial { get; private set; }
    }
}
