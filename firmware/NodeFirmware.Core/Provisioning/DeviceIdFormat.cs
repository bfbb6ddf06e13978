namespace NodeFirmware.Core.Provisioning
{
    /// <summary>Device ids as docs/formats/README.md fixes them: "esp32-" and the base MAC in lower-case hex.</summary>
    public static class DeviceIdFormat
    {
        public const string Prefix = "esp32-";
        public const int Length = 18;

        public static string FromMac(byte[] mac)
        {
            if (mac == null || mac.Length != ProvisioningProtocol.MacSize) throw new System.ArgumentException("a base MAC has 6 bytes");
            return Prefix + Hex.Encode(mac);
        }

        public static bool IsValid(string id)
        {
            if (id == null || id.Length != Length) return false;
            for (int i = 0; i < Prefix.Length; i++) if (id[i] != Prefix[i]) return false;
            for (int i = Prefix.Length; i < Length; i++)
            {
                char c = id[i];
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
            }
            return true;
        }
    }
}
