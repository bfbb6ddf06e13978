namespace NodeFirmware.Core.Provisioning
{
    /// <summary>
    /// Everything a device needs to join the fleet, written once at the factory (docs/formats/provisioning.md).
    /// <see cref="DevicePrivateKey"/> and <see cref="WifiPassphrase"/> are secrets: never logged, never sent back.
    /// </summary>
    public class ProvisioningBundle
    {
        public const int FormatVersion = 1;

        /// <summary>"esp32-" + MAC hex; the certificate's CN.</summary>
        public string DeviceId;

        /// <summary>X.509 certificate, DER.</summary>
        public byte[] DeviceCertificate;

        /// <summary>ECDSA P-256 private key, PKCS#8 DER.</summary>
        public byte[] DevicePrivateKey;

        /// <summary>The fleet CA certificate, DER: the device trusts the broker through it.</summary>
        public byte[] CaCertificate;

        public string BrokerHost;
        public int BrokerPort;

        public string WifiSsid;

        /// <summary>WPA2 passphrase (8..63 characters), 64 hex digits (a PSK), or empty for an open network.</summary>
        public string WifiPassphrase;

        /// <summary>Ed25519 public key (32 bytes) that OTA images must be signed with.</summary>
        public byte[] ReleasePublicKey;

        /// <summary>Optional CBOR map of configuration keys (docs/formats/config.md) applied over the defaults; null for none.</summary>
        public byte[] ConfigOverrides;
    }
}
