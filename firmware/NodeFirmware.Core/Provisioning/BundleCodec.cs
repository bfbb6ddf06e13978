using NodeFirmware.Core.Cbor;

namespace NodeFirmware.Core.Provisioning
{
    /// <summary>
    /// The CBOR form of a <see cref="ProvisioningBundle"/>: one map with short text keys in a fixed order
    /// (v, id, cert, key, ca, host, port, ssid, psk, rel, cfg?). Decoding is strict: every key once,
    /// nothing unknown, nothing after the map. "key" may be left out: the device then uses the key it generated itself
    /// (GENERATE_KEY), and the bundle it stores carries that key.
    /// </summary>
    public static class BundleCodec
    {
        private static readonly string[] Keys = { "v", "id", "cert", "key", "ca", "host", "port", "ssid", "psk", "rel", "cfg" };
        private const int RequiredKeys = 10;
        private const int KeyIndex = 3;

        public static byte[] Encode(ProvisioningBundle b)
        {
            bool hasConfig = b.ConfigOverrides != null;
            bool hasKey = b.DevicePrivateKey != null;
            var w = new CborWriter(2048);
            w.WriteStartMap(RequiredKeys + (hasConfig ? 1 : 0) - (hasKey ? 0 : 1));
            w.WriteText("v"); w.WriteInt32(ProvisioningBundle.FormatVersion);
            w.WriteText("id"); w.WriteText(b.DeviceId);
            w.WriteText("cert"); w.WriteBytes(b.DeviceCertificate);
            if (hasKey) { w.WriteText("key"); w.WriteBytes(b.DevicePrivateKey); }
            w.WriteText("ca"); w.WriteBytes(b.CaCertificate);
            w.WriteText("host"); w.WriteText(b.BrokerHost);
            w.WriteText("port"); w.WriteInt32(b.BrokerPort);
            w.WriteText("ssid"); w.WriteText(b.WifiSsid);
            w.WriteText("psk"); w.WriteText(b.WifiPassphrase);
            w.WriteText("rel"); w.WriteBytes(b.ReleasePublicKey);
            if (hasConfig)
            {
                w.WriteText("cfg");
                w.WriteEncoded(b.ConfigOverrides);
            }
            return w.ToArray();
        }

        /// <summary>Decodes the structure; throws <see cref="ProvisioningException"/> (BadBundle) naming what is wrong.</summary>
        public static ProvisioningBundle Decode(byte[] data)
        {
            if (data == null || data.Length == 0) throw Bad("empty bundle");
            var b = new ProvisioningBundle();
            var seen = new bool[Keys.Length];
            string key = null;
            try
            {
                var r = new CborReader(data);
                int pairs = r.ReadStartMap();
                for (int p = 0; p < pairs; p++)
                {
                    key = null;
                    string name = r.ReadText();
                    int index = IndexOf(name);
                    if (index < 0) throw Bad("unknown key '" + name + "'");
                    if (seen[index]) throw Bad("key '" + name + "' appears twice");
                    seen[index] = true;
                    key = name;
                    switch (index)
                    {
                        case 0:
                            int version = r.ReadInt32();
                            if (version != ProvisioningBundle.FormatVersion) throw Bad("bundle format version " + version + " is not supported");
                            break;
                        case 1: b.DeviceId = r.ReadText(); break;
                        case 2: b.DeviceCertificate = r.ReadBytes(); break;
                        case 3: b.DevicePrivateKey = r.ReadBytes(); break;
                        case 4: b.CaCertificate = r.ReadBytes(); break;
                        case 5: b.BrokerHost = r.ReadText(); break;
                        case 6: b.BrokerPort = r.ReadInt32(); break;
                        case 7: b.WifiSsid = r.ReadText(); break;
                        case 8: b.WifiPassphrase = r.ReadText(); break;
                        case 9: b.ReleasePublicKey = r.ReadBytes(); break;
                        default:
                            if (r.PeekMajorType() != CborMajorType.Map) throw Bad("'cfg' must be a map");
                            b.ConfigOverrides = r.ReadEncodedValue();
                            break;
                    }
                }
                if (!r.AtEnd) throw Bad("trailing bytes after the bundle map");
            }
            catch (CborException e)
            {
                throw Bad(key == null ? "malformed CBOR: " + e.Message : "field '" + key + "': " + e.Message);
            }
            for (int i = 0; i < RequiredKeys; i++)
            {
                if (!seen[i] && i != KeyIndex) throw Bad("missing key '" + Keys[i] + "'");
            }
            return b;
        }

        private static int IndexOf(string name)
        {
            for (int i = 0; i < Keys.Length; i++) if (Keys[i] == name) return i;
            return -1;
        }

        private static ProvisioningException Bad(string message)
        {
            return new ProvisioningException(ErrorCode.BadBundle, message);
        }
    }
}
