using System.Globalization;
using System.Net;
using System.Numerics;
using System.Security.Cryptography.X509Certificates;

namespace NodeFirmware.HostCommon.Pki;

/// <summary>
/// The fleet PKI on disk (see docs/broker.md):
/// <code>
/// ca/ca.crt, ca/ca.key          CA certificate; CA key encrypted (0600)
/// devices/&lt;id&gt;/device.crt     device certificate; device.key (0600) only when the key was made here
/// services/&lt;name&gt;/client.crt  service identities such as the receiver; client.key (0600)
/// broker/server.crt, server.key the broker's TLS server certificate and key (0600, unencrypted: mosquitto reads it)
/// revoked.tsv                   revoked serials, the source of the CRL
/// crl-number                    number of the last CRL written
/// crl.pem                       the current CRL (mosquitto's crlfile)
/// </code>
/// </summary>
public sealed class PkiStore
{
    public static readonly TimeSpan DefaultCrlValidity = TimeSpan.FromDays(365);

    public PkiStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }
    public string CaDirectory => Path.Combine(Root, "ca");
    public string CaCertificatePath => Path.Combine(CaDirectory, FleetCa.CertificateFileName);
    public string CaKeyPath => Path.Combine(CaDirectory, FleetCa.KeyFileName);
    public string BrokerDirectory => Path.Combine(Root, "broker");
    public string BrokerCertificatePath => Path.Combine(BrokerDirectory, "server.crt");
    public string BrokerKeyPath => Path.Combine(BrokerDirectory, "server.key");
    public string CrlPath => Path.Combine(Root, "crl.pem");
    public string CrlNumberPath => Path.Combine(Root, "crl-number");
    public string RevokedListPath => Path.Combine(Root, "revoked.tsv");

    public string DeviceDirectory(string deviceId)
    {
        DeviceIdentity.Validate(deviceId);
        return Path.Combine(Root, "devices", deviceId);
    }

    public string DeviceCertificatePath(string deviceId) => Path.Combine(DeviceDirectory(deviceId), "device.crt");
    public string DeviceKeyPath(string deviceId) => Path.Combine(DeviceDirectory(deviceId), "device.key");

    public string ServiceDirectory(string name)
    {
        ServiceIdentity.Validate(name);
        return Path.Combine(Root, "services", name);
    }

    public string ServiceCertificatePath(string name) => Path.Combine(ServiceDirectory(name), "client.crt");
    public string ServiceKeyPath(string name) => Path.Combine(ServiceDirectory(name), "client.key");

    public bool HasCa => File.Exists(CaCertificatePath) && File.Exists(CaKeyPath);

    /// <summary>Creates and saves the CA and writes the first (empty) CRL, which the broker needs before any revocation.</summary>
    public FleetCa CreateCa(string fleetName, string passphrase, TimeSpan? validity = null, int kdfIterations = FleetCa.DefaultKdfIterations)
    {
        if (HasCa) throw new PkiException($"a CA already exists in {CaDirectory}; refusing to overwrite it");
        FleetCa.ValidatePassphrase(passphrase);
        var ca = FleetCa.Create(fleetName, validity);
        ca.Save(CaDirectory, passphrase, kdfIterations);
        WriteCrl(ca);
        return ca;
    }

    public FleetCa OpenCa(string passphrase)
    {
        if (!HasCa) throw new PkiException($"no CA in {CaDirectory}; create one first");
        return FleetCa.Load(CaDirectory, passphrase);
    }

    public X509Certificate2 LoadCaCertificate() => FleetCa.LoadCertificate(CaDirectory);

    /// <summary>Issues a device certificate with a key made here; the key is stored only when keepKey is set.</summary>
    public IssuedCredential IssueDevice(FleetCa ca, string deviceId, bool keepKey, TimeSpan? validity = null)
    {
        var credential = ca.IssueDevice(deviceId, validity);
        if (keepKey) SecretFile.WriteSecret(DeviceKeyPath(deviceId), credential.ExportPrivateKeyPem() + "\n");
        SecretFile.WritePublic(DeviceCertificatePath(deviceId), credential.CertificatePem + "\n");
        return credential;
    }

    /// <summary>Certifies a key the device generated; only the certificate is stored.</summary>
    public X509Certificate2 IssueDevice(FleetCa ca, string deviceId, PublicKey devicePublicKey, TimeSpan? validity = null)
    {
        var cert = ca.IssueDeviceCertificate(deviceId, devicePublicKey, validity);
        SecretFile.WritePublic(DeviceCertificatePath(deviceId), cert.ExportCertificatePem() + "\n");
        if (File.Exists(DeviceKeyPath(deviceId))) File.Delete(DeviceKeyPath(deviceId)); // belongs to an older certificate
        return cert;
    }

    public X509Certificate2? LoadDeviceCertificate(string deviceId)
    {
        var path = DeviceCertificatePath(deviceId);
        return File.Exists(path) ? X509Certificate2.CreateFromPem(File.ReadAllText(path)) : null;
    }

    public IssuedCredential IssueService(FleetCa ca, string name, TimeSpan? validity = null)
    {
        var credential = ca.IssueService(name, validity);
        SecretFile.WriteSecret(ServiceKeyPath(name), credential.ExportPrivateKeyPem() + "\n");
        SecretFile.WritePublic(ServiceCertificatePath(name), credential.CertificatePem + "\n");
        return credential;
    }

    /// <summary>Loads a service identity (certificate bound to its key) from the store, e.g. for the receiver's MQTT client.</summary>
    public X509Certificate2 LoadServiceIdentity(string name)
    {
        var cert = SecretFile.ReadRequired(ServiceCertificatePath(name), $"certificate of service '{name}'");
        var key = SecretFile.ReadRequired(ServiceKeyPath(name), $"key of service '{name}'");
        return X509Certificate2.CreateFromPem(cert, key);
    }

    public IssuedCredential IssueBroker(FleetCa ca, IEnumerable<string>? dnsNames = null, IEnumerable<IPAddress>? addresses = null, TimeSpan? validity = null)
    {
        var credential = ca.IssueBroker(dnsNames, addresses, validity);
        SecretFile.WriteSecret(BrokerKeyPath, credential.ExportPrivateKeyPem() + "\n");
        SecretFile.WritePublic(BrokerCertificatePath, credential.CertificatePem + "\n");
        return credential;
    }

    public IReadOnlyList<RevokedCertificate> LoadRevoked() => RevocationList.Read(RevokedListPath);

    /// <summary>Adds the certificate to the revoked list (once). Call <see cref="WriteCrl"/> afterwards and reload the broker.</summary>
    public RevokedCertificate Revoke(X509Certificate2 certificate, X509RevocationReason reason = X509RevocationReason.Unspecified)
    {
        var ca = LoadCaCertificate();
        if (!certificate.IssuerName.RawData.AsSpan().SequenceEqual(ca.SubjectName.RawData))
            throw new PkiException($"{certificate.Subject} was issued by {certificate.Issuer}, not by this store's CA");
        return RevokeSerial(certificate.SerialNumber, reason, certificate.Subject);
    }

    public RevokedCertificate RevokeDevice(string deviceId, X509RevocationReason reason = X509RevocationReason.Unspecified)
    {
        using var cert = LoadDeviceCertificate(deviceId)
            ?? throw new PkiException($"no certificate for device {deviceId} in {Path.Combine(Root, "devices")}");
        return Revoke(cert, reason);
    }

    public RevokedCertificate RevokeSerial(string serialHex, X509RevocationReason reason, string subject = "")
    {
        var serial = RevokedCertificate.NormalizeSerial(serialHex);
        var entries = LoadRevoked().ToList();
        var existing = entries.FirstOrDefault(e => e.SerialHex == serial);
        if (existing is not null) return existing;
        var entry = new RevokedCertificate(serial, DateTimeOffset.UtcNow, reason, subject);
        entries.Add(entry);
        RevocationList.Write(RevokedListPath, entries);
        return entry;
    }

    public BigInteger CurrentCrlNumber
    {
        get
        {
            if (!File.Exists(CrlNumberPath)) return BigInteger.Zero;
            var text = File.ReadAllText(CrlNumberPath).Trim();
            return BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                ? n : throw new PkiException($"{CrlNumberPath} does not hold a CRL number: '{text}'");
        }
    }

    /// <summary>Signs a new CRL from revoked.tsv with the next CRL number and writes crl.pem. Returns the number.</summary>
    public BigInteger WriteCrl(FleetCa ca, TimeSpan? validFor = null)
    {
        var number = CurrentCrlNumber + 1;
        var der = ca.BuildCrl(LoadRevoked(), number, validFor ?? DefaultCrlValidity);
        // The number is recorded first: a crash in between skips a number but never reuses one.
        SecretFile.WritePublic(CrlNumberPath, number.ToString(CultureInfo.InvariantCulture) + "\n");
        SecretFile.WritePublic(CrlPath, FleetCa.CrlToPem(der));
        return number;
    }
}
