using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace NodeFirmware.HostCommon.Pki;

/// <summary>
/// Verifies certificates against the fleet CA alone (not the system's roots): for clients checking the broker,
/// and for tools checking an issued device certificate.
/// </summary>
public sealed class FleetTrust
{
    public FleetTrust(X509Certificate2 caCertificate)
    {
        CaCertificate = caCertificate ?? throw new ArgumentNullException(nameof(caCertificate));
    }

    public X509Certificate2 CaCertificate { get; }

    /// <summary>Builds the chain to the fleet CA; returns the problems found (empty when valid).</summary>
    public IReadOnlyList<string> Check(X509Certificate2 certificate, string? requiredEkuOid, DateTime? at = null)
    {
        using var chain = new X509Chain { ChainPolicy = ChainPolicy(requiredEkuOid) };
        if (at is not null) chain.ChainPolicy.VerificationTime = at.Value;
        var problems = new List<string>();
        if (!chain.Build(certificate))
            problems.AddRange(chain.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}"));
        else if (!chain.ChainElements[^1].Certificate.RawData.AsSpan().SequenceEqual(CaCertificate.RawData))
            problems.Add("the chain does not end at the fleet CA");
        return problems;
    }

    /// <summary>
    /// What <see cref="ValidateServer"/> checks, as a chain policy: a TLS client that gives it to SslStream
    /// (CertificateChainPolicy) has the broker's chain built once, against the fleet CA, instead of once against the
    /// system's roots and again in a callback.
    /// </summary>
    public X509ChainPolicy ServerChainPolicy() => ChainPolicy(CertificateProfile.ServerAuthOid);

    private X509ChainPolicy ChainPolicy(string? requiredEkuOid)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            // Revocation is the broker's job (crlfile); the fleet publishes no CRL distribution point.
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.Add(CaCertificate);
        if (requiredEkuOid is not null) policy.ApplicationPolicy.Add(new(requiredEkuOid));
        return policy;
    }

    public bool IsValidDevice(X509Certificate2 certificate) =>
        Check(certificate, CertificateProfile.ClientAuthOid).Count == 0
        && DeviceIdentity.IsValid(CertificateProfile.GetCommonName(certificate));

    /// <summary>
    /// For a TLS client's server-certificate callback: the host name must match (SslStream checked it) and the
    /// chain must lead to the fleet CA with the server-auth EKU.
    /// </summary>
    public bool ValidateServer(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null) return false;
        if ((errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
            return false;
        using var cert = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return Check(cert, CertificateProfile.ServerAuthOid).Count == 0;
    }

    public static string? CommonName(X509Certificate2 certificate) => CertificateProfile.GetCommonName(certificate);

    public static bool HasClientAuth(X509Certificate2 certificate) => CertificateProfile.HasEku(certificate, CertificateProfile.ClientAuthOid);

    public static bool HasServerAuth(X509Certificate2 certificate) => CertificateProfile.HasEku(certificate, CertificateProfile.ServerAuthOid);
}
