using System.Security.Cryptography.X509Certificates;
using NodeFirmware.Core.Provisioning;

namespace NodeFirmware.Device
{
    /// <summary>
    /// The bundle's certificates and key as the TLS stack takes them. The constructors parse natively (mbedTLS)
    /// and throw on what they cannot use, so <see cref="Load"/> is called once at boot inside Program's handler,
    /// where a refusal becomes Core's corrupt-identity state instead of an exception on every boot.
    /// </summary>
    public class TlsCredentials
    {
        private TlsCredentials(X509Certificate ca, X509Certificate2 device)
        {
            FleetCa = ca;
            Device = device;
        }

        /// <summary>Fleet CA certificate (DER) the broker's certificate must chain to.</summary>
        public X509Certificate FleetCa { get; private set; }

        /// <summary>Device certificate (DER, CN = device id) with its PKCS#8 DER key.</summary>
        public X509Certificate2 Device { get; private set; }

        public static TlsCredentials Load(ProvisioningBundle bundle)
        {
            var ca = new X509Certificate(bundle.CaCertificate);
            var device = new X509Certificate2(bundle.DeviceCertificate, bundle.DevicePrivateKey, null);
            return new TlsCredentials(ca, device);
        }
    }
}
