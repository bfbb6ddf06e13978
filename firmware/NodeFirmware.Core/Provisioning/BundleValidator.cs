using NodeFirmware.Core.Config;
using NodeFirmware.Core.Util;

namespace NodeFirmware.Core.Provisioning
{
    /// <summary>
    /// What a device checks before it stores a bundle: it is meant for this device, every field has a
    /// plausible size, the certificates and key are well-formed and belong together, and the configuration
    /// overrides make a valid configuration.
    /// </summary>
    public static class BundleValidator
    {
        public const int MaxCertificateSize = 2048;
        public const int MinCertificateSize = 64;
        public const int MaxPrivateKeySize = 512;
        public const int MinPrivateKeySize = 32;
        public const int MaxHostLength = 253;
        public const int MaxSsidBytes = 32;

        /// <summary>Throws <see cref="ProvisioningException"/> with the first problem found.</summary>
        public static void Validate(ProvisioningBundle b, string expectedDeviceId)
        {
            if (!DeviceIdFormat.IsValid(b.DeviceId)) throw Bad("'id' is not a device id (esp32- and 12 lower-case hex digits)");
            if (b.DeviceId != expectedDeviceId)
                throw new ProvisioningException(ErrorCode.WrongDevice, "bundle is for " + b.DeviceId + ", this device is " + expectedDeviceId);
            CheckCredentials(b, expectedDeviceId);
            CheckHost(b.BrokerHost);
            if (b.BrokerPort < 1 || b.BrokerPort > 65535) throw Bad("'port' must be 1..65535");
            int ssidBytes = Utf8.GetByteCount(b.WifiSsid);
            if (ssidBytes < 1 || ssidBytes > MaxSsidBytes) throw Bad("'ssid' must be 1..32 bytes");
            CheckPassphrase(b.WifiPassphrase);
            if (b.ReleasePublicKey == null || b.ReleasePublicKey.Length != 32) throw Bad("'rel' must be a 32-byte Ed25519 public key");
            if (b.ConfigOverrides != null)
            {
                string reason;
                if (ConfigCodec.Apply(new DeviceConfig(), b.ConfigOverrides, out reason) == null)
                    throw new ProvisioningException(ErrorCode.InvalidConfig, "'cfg': " + reason);
            }
        }

        /// <summary>
        /// The part of <see cref="Validate"/> that decides whether the device can use the bundle as its TLS identity:
        /// sizes, the certificate and key structures and that they belong together, the CA certificate, and that
        /// the certificate names the device. Also what the device checks at every boot (<see cref="BootIdentity"/>).
        /// </summary>
        public static void CheckCredentials(ProvisioningBundle b, string expectedDeviceId)
        {
            CheckDer("cert", b.DeviceCertificate, MinCertificateSize, MaxCertificateSize);
            CheckDer("key", b.DevicePrivateKey, MinPrivateKeySize, MaxPrivateKeySize);
            CheckDer("ca", b.CaCertificate, MinCertificateSize, MaxCertificateSize);
            string problem = CredentialCheck.PairProblem(b.DeviceCertificate, b.DevicePrivateKey);
            if (problem != null) throw Bad("'cert'/'key': " + problem);
            problem = CredentialCheck.CertificateProblem(b.CaCertificate);
            if (problem != null) throw Bad("'ca': " + problem);
            if (!Contains(b.DeviceCertificate, Utf8.GetBytes(expectedDeviceId)))
                throw new ProvisioningException(ErrorCode.WrongDevice, "the certificate does not name " + expectedDeviceId);
        }

        private static void CheckDer(string name, byte[] value, int min, int max)
        {
            if (value == null || value.Length < min || value.Length > max)
                throw Bad("'" + name + "' must be " + min + ".." + max + " bytes");
            if (value[0] != 0x30) throw Bad("'" + name + "' is not DER (no SEQUENCE)");
        }

        private static void CheckHost(string host)
        {
            if (host == null || host.Length < 1 || host.Length > MaxHostLength) throw Bad("'host' must be 1..253 characters");
            for (int i = 0; i < host.Length; i++)
            {
                char c = host[i];
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':' || c == '_';
                if (!ok) throw Bad("'host' contains '" + c + "'; use a DNS name or an IP address");
            }
        }

        private static void CheckPassphrase(string psk)
        {
            if (psk == null) throw Bad("'psk' missing");
            if (psk.Length == 0) return; // open network
            if (psk.Length == 64)
            {
                for (int i = 0; i < 64; i++)
                {
                    char c = psk[i];
                    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) throw Bad("'psk' of 64 characters must be hex (a raw PSK)");
                }
                return;
            }
            if (psk.Length < 8 || psk.Length > 63) throw Bad("'psk' must be empty, 8..63 characters, or 64 hex digits");
            for (int i = 0; i < psk.Length; i++)
            {
                if (psk[i] < 0x20 || psk[i] > 0x7E) throw Bad("'psk' must be printable ASCII");
            }
        }

        private static bool Contains(byte[] haystack, byte[] needle)
        {
            for (int i = 0; i + needle.Length <= haystack.Length; i++)
            {
                int k = 0;
                while (k < needle.Length && haystack[i + k] == needle[k]) k++;
                if (k == needle.Length) return true;
            }
            return false;
        }

        private static ProvisioningException Bad(string message)
        {
            return new ProvisioningException(ErrorCode.BadBundle, message);
        }
    }
}
