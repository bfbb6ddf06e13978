namespace NodeFirmware.Core.Ota
{
    /// <summary>
    /// A release-key-signed permission to install one package whose version is not newer than what a device
    /// runs (docs/formats/firmware-package.md, "Downgrade authorization"). It names the package (version and
    /// manifest SHA-256), the devices (ids and/or the versions they run), a counter the device stores so each
    /// authorization works once and older ones never again, and optionally an expiry.
    /// </summary>
    public class DowngradeAuthorization
    {
        public const int FormatVersion = 1;

        public DowngradeAuthorization()
        {
            KeyId = new byte[0];
            ManifestSha256 = new byte[0];
            DeviceIds = new string[0];
            FromVersions = new FirmwareVersion[0];
        }

        /// <summary>First 8 bytes of SHA-256 of the release public key that signs it.</summary>
        public byte[] KeyId;

        /// <summary>The version the device may go to; must equal the offered manifest's.</summary>
        public FirmwareVersion TargetVersion;

        /// <summary>SHA-256 of the exact manifest bytes: binds the authorization to one package.</summary>
        public byte[] ManifestSha256;

        /// <summary>Devices (certificate CNs) it applies to; empty when <see cref="FromVersions"/> alone selects them.</summary>
        public string[] DeviceIds;

        /// <summary>It applies only to devices running one of these versions; empty: any version.</summary>
        public FirmwareVersion[] FromVersions;

        /// <summary>1..4294967295; a device accepts it only above the highest counter it has used.</summary>
        public long Counter;

        /// <summary>Unix seconds after which it is void; 0 for none.</summary>
        public long ExpiresUnixTime;

        /// <summary>True when the device <paramref name="deviceId"/> running <paramref name="running"/> is among those named.</summary>
        public bool Covers(string deviceId, FirmwareVersion running)
        {
            if (DeviceIds.Length > 0)
            {
                bool listed = false;
                foreach (string id in DeviceIds) if (id == deviceId) listed = true;
                if (!listed) return false;
            }
            if (FromVersions.Length > 0)
            {
                bool from = false;
                foreach (FirmwareVersion v in FromVersions) if (v.CompareTo(running) == 0) from = true;
                if (!from) return false;
            }
            return true;
        }
    }
}
