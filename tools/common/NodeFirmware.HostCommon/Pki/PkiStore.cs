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
/// devices/&lt;id&gt;/issued/*.crt   every certificate ever issued to the device, &lt;n&gt;-&lt;serial&gt;.crt in issue order (revocation revokes all)
/// services/&lt;name&gt;/client.crt  service identities such as the receiver; client.key (0600); role (receiver|observer)
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
    public string DeviceHistoryDirectory(string deviceId) => Path.Combine(DeviceDirectory(deviceId), "issued");
    public string UpdateLockPath => Path.Combine(Root, ".lock");

    public string ServiceDirectory(string name)
    {
        ServiceIdentity.Validate(name);
        return Path.Combine(Root, "services", name);
    }

    public string ServiceCertificatePath(string name) => Path.Combine(ServiceDirectory(name), "client.crt");
    public string ServiceKeyPath(string name) => Path.Combine(ServiceDirectory(name), "client.key");
    public string ServiceRolePath(string name) => Path.Combine(ServiceDirectory(name), "role");

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
        RecordIssued(deviceId, credential.Certificate);
        if (keepKey) SecretFile.WriteSecret(DeviceKeyPath(deviceId), credential.ExportPrivateKeyPem() + "\n");
        SecretFile.WritePublic(DeviceCertificatePath(deviceId), credential.CertificatePem + "\n");
        return credential;
    }

    /// <summary>Certifies a key the device generated; only the certificate is stored.</summary>
    public X509Certificate2 IssueDevice(FleetCa ca, string deviceId, PublicKey devicePublicKey, TimeSpan? validity = null)
    {
        var cert = ca.IssueDeviceCertificate(deviceId, devicePublicKey, validity);
        RecordIssued(deviceId, cert);
        SecretFile.WritePublic(DeviceCertificatePath(deviceId), cert.ExportCertificatePem() + "\n");
        if (File.Exists(DeviceKeyPath(deviceId))) File.Delete(DeviceKeyPath(deviceId)); // belongs to an older certificate
        return cert;
    }

    public X509Certificate2? LoadDeviceCertificate(string deviceId)
    {
        var path = DeviceCertificatePath(deviceId);
        return File.Exists(path) ? X509Certificate2.CreateFromPem(File.ReadAllText(path)) : null;
    }

    /// <summary>
    /// Every certificate this store issued to the device, in the order it issued them: the history in issued/
    /// (files numbered in issue order) plus the current device.crt (a store written before the history existed has
    /// only that one). Revoking a device revokes all of them, because a board that was re-provisioned may still hold,
    /// or have leaked, the key of an older one.
    /// </summary>
    public IReadOnlyList<X509Certificate2> LoadDeviceCertificates(string deviceId)
    {
        var bySerial = new Dictionary<string, X509Certificate2>(StringComparer.Ordinal);
        var ordered = new List<X509Certificate2>();
        var history = DeviceHistoryDirectory(deviceId);
        var files = Directory.Exists(history) ? Directory.GetFiles(history, "*.crt").Order(StringComparer.Ordinal) : Enumerable.Empty<string>();
        foreach (var file in files.Append(DeviceCertificatePath(deviceId)).Where(File.Exists))
        {
            X509Certificate2 cert;
            try { cert = X509Certificate2.CreateFromPem(File.ReadAllText(file)); }
            catch (System.Security.Cryptography.CryptographicException e) { throw new PkiException($"{file} is not a PEM certificate", e); }
            if (bySerial.TryAdd(cert.SerialNumber, cert)) ordered.Add(cert);
            else cert.Dispose();
        }
        return ordered;
    }

    /// <summary>Whether this store issued the certificate with this serial to the device (its history, see <see cref="LoadDeviceCertificates"/>).</summary>
    public bool IssuedTo(string deviceId, string serialHex)
    {
        var serial = RevokedCertificate.NormalizeSerial(serialHex);
        var certificates = LoadDeviceCertificates(deviceId);
        try { return certificates.Any(c => c.SerialNumber == serial); }
        finally { foreach (var c in certificates) c.Dispose(); }
    }

    /// <summary>issued/&lt;n&gt;-&lt;serial&gt;.crt, n counting from 0001 in issue order.</summary>
    private void RecordIssued(string deviceId, X509Certificate2 certificate)
    {
        var history = DeviceHistoryDirectory(deviceId);
        int next = (Directory.Exists(history) ? Directory.GetFiles(history, "*.crt").Length : 0) + 1;
        SecretFile.WritePublic(Path.Combine(history, $"{next:D4}-{certificate.SerialNumber}.crt"), certificate.ExportCertificatePem() + "\n");
    }

    /// <summary>A receiver identity (the broker gives it the receiver's ACL block).</summary>
    public IssuedCredential IssueService(FleetCa ca, string name, TimeSpan? validity = null) => IssueService(ca, name, ServiceRole.Receiver, validity);

    /// <summary>A service identity with its role, which decides its ACL block when the broker's run directory is set up.</summary>
    public IssuedCredential IssueService(FleetCa ca, string name, ServiceRole role, TimeSpan? validity = null)
    {
        var known = ServiceRoleOf(name);
        if (known is not null && known != role)
            throw new PkiException($"service '{name}' is already a {ServiceRoles.Name(known.Value)}; an identity has one role: pick another name");
        var credential = ca.IssueService(name, validity);
        SecretFile.WriteSecret(ServiceKeyPath(name), credential.ExportPrivateKeyPem() + "\n");
        SecretFile.WritePublic(ServiceCertificatePath(name), credential.CertificatePem + "\n");
        SecretFile.WritePublic(ServiceRolePath(name), ServiceRoles.Name(role) + "\n");
        return credential;
    }

    /// <summary>The role of an issued service identity; null if there is none. A store from before roles were recorded holds receivers only.</summary>
    public ServiceRole? ServiceRoleOf(string name)
    {
        if (!File.Exists(ServiceCertificatePath(name))) return null;
        var path = ServiceRolePath(name);
        return File.Exists(path) ? ServiceRoles.Parse(File.ReadAllText(path).Trim(), path) : ServiceRole.Receiver;
    }

    /// <summary>Every service identity in the store with its role, by name.</summary>
    public IReadOnlyList<(string Name, ServiceRole Role)> ListServices()
    {
        var dir = Path.Combine(Root, "services");
        if (!Directory.Exists(dir)) return [];
        return Directory.GetDirectories(dir).Select(Path.GetFileName).OfType<string>()
            .Where(ServiceIdentity.IsValid).Order(StringComparer.Ordinal)
            .Select(n => (n, ServiceRoleOf(n))).Where(s => s.Item2 is not null).Select(s => (s.n, s.Item2!.Value)).ToList();
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

    /// <summary>
    /// Revokes every certificate the store issued to the device (<see cref="LoadDeviceCertificates"/>), each once.
    /// Call <see cref="WriteCrl"/> afterwards and reload the broker, or use <see cref="RevokeDeviceAndPublish"/>.
    /// </summary>
    public IReadOnlyList<RevokedCertificate> RevokeDevice(string deviceId, X509RevocationReason reason = X509RevocationReason.Unspecified)
    {
        var certificates = LoadDeviceCertificates(deviceId);
        try
        {
            if (certificates.Count == 0)
                throw new PkiException($"no certificate for device {deviceId} in {Path.Combine(Root, "devices")}");
            return certificates.Select(c => Revoke(c, reason)).ToList();
        }
        finally
        {
            foreach (var c in certificates) c.Dispose();
        }
    }

    /// <summary>
    /// The whole revocation under the store's update lock: every certificate of the device, plus serials known
    /// elsewhere (e.g. the one a receiver registered), then a new CRL. The CA is opened by the caller first, so a
    /// wrong passphrase changes nothing.
    /// </summary>
    public DeviceRevocation RevokeDeviceAndPublish(FleetCa ca, string deviceId, X509RevocationReason reason,
        IEnumerable<string>? alsoSerials = null)
    {
        DeviceIdentity.Validate(deviceId);
        using var _ = LockForUpdate();
        var before = LoadRevoked().Select(r => r.SerialHex).ToHashSet(StringComparer.Ordinal);
        var certificates = LoadDeviceCertificates(deviceId);
        var entries = new List<RevokedCertificate>();
        try
        {
            foreach (var c in certificates) entries.Add(Revoke(c, reason));
        }
        finally
        {
            foreach (var c in certificates) c.Dispose();
        }
        foreach (var serial in alsoSerials ?? [])
            if (!entries.Any(e => e.SerialHex == RevokedCertificate.NormalizeSerial(serial)))
                entries.Add(RevokeSerial(serial, reason, CertificateProfile.CommonName(deviceId).Name));
        if (entries.Count == 0)
            throw new PkiException($"no certificate for device {deviceId} in {Path.Combine(Root, "devices")}: nothing to revoke");
        var number = WriteCrl(ca);
        return new DeviceRevocation(deviceId, entries, entries.Where(e => !before.Contains(e.SerialHex)).ToList(), number);
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

    /// <summary>
    /// An exclusive lock on the store for a read-modify-write of revoked.tsv and the CRL number, so nodectl and a
    /// receiver revoking at the same moment neither lose an entry nor reuse a CRL number. FileShare.None is flock on Linux.
    /// </summary>
    public IDisposable LockForUpdate(TimeSpan? timeout = null)
    {
        Directory.CreateDirectory(Root);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                return new FileStream(UpdateLockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
            catch (IOException e)
            {
                throw new PkiException($"the PKI store {Root} is locked by another update (nodectl or a receiver) for more than {timeout ?? TimeSpan.FromSeconds(30)}", e);
            }
        }
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
