using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NodeSim.Tests.Support;

public static class TestCertificates
{
    /// <summary>A self-signed certificate with its key, for nodes that never reach a broker.</summary>
    public static X509Certificate2 Throwaway(string commonName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + commonName, key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }
}
