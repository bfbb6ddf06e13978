using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NodeFirmware.HostCommon.Pki;

/// <summary>
/// The fleet's certificate authority: an ECDSA P-256 self-signed CA that issues device, service and broker
/// certificates and signs the CRL. Its private key only leaves memory encrypted (PKCS#8, PBES2 with
/// AES-256-CBC and PBKDF2-HMAC-SHA256).
/// </summary>
public sealed class FleetCa : IDisposable
{
    public const string CertificateFileName = "ca.crt";
    public const string KeyFileName = "ca.key";
    public const string SubjectSuffix = " NodeFirmware Fleet CA";
    public const int DefaultKdfIterations = 600_000;
    public const int MinimumPassphraseLength = 12;
    public static readonly TimeSpan DefaultCaValidity = TimeSpan.FromDays(25 * 365);
    public static readonly TimeSpan DefaultDeviceValidity = TimeSpan.FromDays(3652);
    public static readonly TimeSpan DefaultBrokerValidity = TimeSpan.FromDays(825);
    /// <summary>notBefore is set this far in the past so a verifier whose clock lags a little still accepts a fresh certificate.</summary>
    public static readonly TimeSpan BackdateForClockSkew = TimeSpan.FromMinutes(5);

    private readonly X509Certificate2 _signer;
    private readonly ECDsa _key;

    private FleetCa(X509Certificate2 certificate, ECDsa key, TimeProvider time)
    {
        _key = key;
        Time = time;
        try { _signer = certificate.CopyWithPrivateKey(key); }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new PkiException("the CA key does not belong to the CA certificate", e);
        }
        Certificate = X509CertificateLoader.LoadCertificate(certificate.RawData);
    }

    /// <summary>The CA certificate without its key.</summary>
    public X509Certificate2 Certificate { get; }

    public TimeProvider Time { get; }

    public string FleetName
    {
        get
        {
            var cn = CertificateProfile.GetCommonName(Certificate) ?? "";
            return cn.EndsWith(SubjectSuffix, StringComparison.Ordinal) ? cn[..^SubjectSuffix.Length] : cn;
        }
    }

    public static FleetCa Create(string fleetName, TimeSpan? validity = null, TimeProvider? time = null)
    {
        if (string.IsNullOrWhiteSpace(fleetName) || fleetName.IndexOfAny(['/', '+', '#', '=', ',', '\n']) >= 0)
            throw new ArgumentException($"'{fleetName}' is not a usable fleet name (non-empty, no / + # = , or newline)", nameof(fleetName));
        time ??= TimeProvider.System;
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(CertificateProfile.CommonName(fleetName + SubjectSuffix), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = time.GetUtcNow();
        using var selfSigned = request.CreateSelfSigned(now - BackdateForClockSkew, now + (validity ?? DefaultCaValidity));
        // CreateSelfSigned picks an 8-byte serial; re-sign with the fleet's 16-byte random serial.
        using var cert = request.Create(selfSigned.SubjectName, X509SignatureGenerator.CreateForECDsa(key),
            selfSigned.NotBefore.ToUniversalTime(), selfSigned.NotAfter.ToUniversalTime(), CertificateProfile.NewSerial());
        return new FleetCa(cert, key, time);
    }

    /// <summary>Writes ca.crt (0644) and ca.key (0600, encrypted with the passphrase).</summary>
    public void Save(string directory, string passphrase, int kdfIterations = DefaultKdfIterations)
    {
        ValidatePassphrase(passphrase);
        if (kdfIterations < 100_000)
            throw new ArgumentOutOfRangeException(nameof(kdfIterations), kdfIterations, "use at least 100000 PBKDF2 iterations for the CA key");
        var pbe = new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, kdfIterations);
        var keyPem = new string(_key.ExportEncryptedPkcs8PrivateKeyPem(passphrase.AsSpan(), pbe));
        SecretFile.WriteSecret(Path.Combine(directory, KeyFileName), keyPem + "\n");
        SecretFile.WritePublic(Path.Combine(directory, CertificateFileName), Certificate.ExportCertificatePem() + "\n");
    }

    public static FleetCa Load(string directory, string passphrase, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(passphrase);
        var certificate = LoadCertificate(directory);
        var keyPath = Path.Combine(directory, KeyFileName);
        var keyPem = SecretFile.ReadRequired(keyPath, "CA private key");
        if (!keyPem.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal))
            throw new PkiException($"{keyPath} is not an encrypted PKCS#8 key; refusing to use an unencrypted CA key");
        var key = ECDsa.Create();
        try
        {
            key.ImportFromEncryptedPem(keyPem, passphrase);
        }
        catch (CryptographicException e)
        {
            key.Dispose();
            throw new PkiException($"cannot decrypt {keyPath}: wrong passphrase or damaged file", e);
        }
        try { return new FleetCa(certificate, key, time ?? TimeProvider.System); }
        catch { key.Dispose(); throw; }
    }

    /// <summary>The CA certificate alone (what brokers and clients trust); needs no passphrase.</summary>
    public static X509Certificate2 LoadCertificate(string directory)
    {
        var path = Path.Combine(directory, CertificateFileName);
        var pem = SecretFile.ReadRequired(path, "CA certificate");
        try { return X509Certificate2.CreateFromPem(pem); }
        catch (CryptographicException e) { throw new PkiException($"{path} is not a PEM certificate", e); }
    }

    public static void ValidatePassphrase(string? passphrase)
    {
        if (passphrase is null || passphrase.Length < MinimumPassphraseLength)
            throw new PkiException($"the CA passphrase must have at least {MinimumPassphraseLength} characters");
    }

    /// <summary>Certifies a key pair that the device made itself (only its public key leaves the device).</summary>
    public X509Certificate2 IssueDeviceCertificate(string deviceId, PublicKey devicePublicKey, TimeSpan? validity = null)
    {
        DeviceIdentity.Validate(deviceId);
        return IssueClientCertificate(deviceId, RequireP256(devicePublicKey), validity ?? DefaultDeviceValidity);
    }

    /// <summary>Same, from a DER SubjectPublicKeyInfo as a device sends it.</summary>
    public X509Certificate2 IssueDeviceCertificate(string deviceId, ReadOnlySpan<byte> subjectPublicKeyInfo, TimeSpan? validity = null)
    {
        PublicKey key;
        try { key = PublicKey.CreateFromSubjectPublicKeyInfo(subjectPublicKeyInfo, out _); }
        catch (CryptographicException e) { throw new ArgumentException("the device public key is not a DER SubjectPublicKeyInfo", nameof(subjectPublicKeyInfo), e); }
        return IssueDeviceCertificate(deviceId, key, validity);
    }

    /// <summary>Makes a fresh P-256 key pair for the device and certifies it.</summary>
    public IssuedCredential IssueDevice(string deviceId, TimeSpan? validity = null)
    {
        DeviceIdentity.Validate(deviceId);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var cert = IssueClientCertificate(deviceId, new PublicKey(key), validity ?? DefaultDeviceValidity);
        return new IssuedCredential(cert, key);
    }

    /// <summary>A client certificate for one of the fleet's own services, e.g. the receiver.</summary>
    public IssuedCredential IssueService(string name, TimeSpan? validity = null)
    {
        ServiceIdentity.Validate(name);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var cert = IssueClientCertificate(name, new PublicKey(key), validity ?? DefaultDeviceValidity);
        return new IssuedCredential(cert, key);
    }

    /// <summary>The broker's TLS server certificate: SAN DNS localhost + IP 127.0.0.1 plus the given names/addresses.</summary>
    public IssuedCredential IssueBroker(IEnumerable<string>? dnsNames = null, IEnumerable<IPAddress>? addresses = null, TimeSpan? validity = null)
    {
        var names = new List<string> { "localhost" };
        names.AddRange((dnsNames ?? []).Where(n => !names.Contains(n, StringComparer.OrdinalIgnoreCase)));
        var ips = new List<IPAddress> { IPAddress.Loopback };
        ips.AddRange((addresses ?? []).Where(a => !ips.Contains(a)));
        var san = new SubjectAlternativeNameBuilder();
        foreach (var n in names)
        {
            if (string.IsNullOrWhiteSpace(n)) throw new ArgumentException("an empty DNS name cannot go into the broker certificate", nameof(dnsNames));
            san.AddDnsName(n);
        }
        foreach (var ip in ips) san.AddIpAddress(ip);

        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var commonName = names.Count > 1 ? names[1] : names[0]; // the first configured name, else localhost
        var request = new CertificateRequest(CertificateProfile.CommonName(commonName), key, HashAlgorithmName.SHA256);
        CertificateProfile.AddEndEntity(request, Certificate, CertificateProfile.ServerAuthOid, "TLS Web Server Authentication");
        request.CertificateExtensions.Add(san.Build());
        return new IssuedCredential(Sign(request, validity ?? DefaultBrokerValidity), key);
    }

    /// <summary>A DER CRL signed by this CA listing the given serials; crlNumber must grow with every CRL issued.</summary>
    public byte[] BuildCrl(IEnumerable<RevokedCertificate> revoked, BigInteger crlNumber, TimeSpan validFor)
    {
        if (crlNumber.Sign <= 0) throw new ArgumentOutOfRangeException(nameof(crlNumber), crlNumber, "the CRL number starts at 1");
        if (validFor <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(validFor), validFor, "a CRL must be valid for a positive time");
        var builder = new CertificateRevocationListBuilder();
        foreach (var entry in revoked)
            builder.AddEntry(entry.SerialBytes(), entry.RevokedAt, entry.Reason);
        var now = Time.GetUtcNow();
        return builder.Build(_signer, crlNumber, now + validFor, HashAlgorithmName.SHA256, thisUpdate: now - BackdateForClockSkew);
    }

    public static string CrlToPem(byte[] der) => new string(PemEncoding.Write("X509 CRL", der)) + "\n";

    private X509Certificate2 IssueClientCertificate(string commonName, PublicKey publicKey, TimeSpan validity)
    {
        var request = new CertificateRequest(CertificateProfile.CommonName(commonName), publicKey, HashAlgorithmName.SHA256);
        CertificateProfile.AddEndEntity(request, Certificate, CertificateProfile.ClientAuthOid, "TLS Web Client Authentication");
        return Sign(request, validity);
    }

    private X509Certificate2 Sign(CertificateRequest request, TimeSpan validity)
    {
        if (validity <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(validity), validity, "validity must be positive");
        var now = Time.GetUtcNow();
        var notBefore = now - BackdateForClockSkew;
        var notAfter = now + validity;
        var caNotAfter = new DateTimeOffset(Certificate.NotAfter.ToUniversalTime());
        if (notAfter > caNotAfter)
            throw new PkiException($"the requested validity ends {notAfter:yyyy-MM-dd}, after the CA itself expires ({caNotAfter:yyyy-MM-dd}); shorten it or renew the CA");
        return request.Create(_signer, notBefore, notAfter, CertificateProfile.NewSerial());
    }

    private static PublicKey RequireP256(PublicKey key)
    {
        using var ec = key.GetECDsaPublicKey()
            ?? throw new ArgumentException("the device key is not an EC key; devices use ECDSA P-256", nameof(key));
        var curve = ec.ExportParameters(false).Curve;
        var isP256 = ec.KeySize == 256 && (curve.Oid?.Value is null || curve.Oid.Value == ECCurve.NamedCurves.nistP256.Oid.Value);
        if (!isP256)
            throw new ArgumentException($"the device key is on curve {curve.Oid?.FriendlyName ?? "?"}; devices use ECDSA P-256", nameof(key));
        return key;
    }

    public override string ToString() => $"{Certificate.Subject} (serial {Certificate.SerialNumber}, until {Certificate.NotAfter:yyyy-MM-dd})";

    public void Dispose()
    {
        _signer.Dispose();
        Certificate.Dispose();
        _key.Dispose();
    }
}
