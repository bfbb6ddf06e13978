using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace NodeFirmware.Receiver.Ingest;

/// <summary>The receiver's side of mutual TLS: its certificate from PEM files, and the broker's checked against the fleet CA only.</summary>
public sealed class BrokerTls
{
    private BrokerTls(X509Certificate2 ca, X509Certificate2 client)
    {
        Ca = ca;
        ClientCertificate = client;
    }

    public X509Certificate2 Ca { get; }
    public X509Certificate2 ClientCertificate { get; }

    public static BrokerTls Load(string caFile, string certFile, string keyFile)
    {
        foreach (var (file, what) in new[] { (caFile, "CA certificate"), (certFile, "receiver certificate"), (keyFile, "receiver key") })
            if (!File.Exists(file)) throw new FileNotFoundException($"the {what} file '{file}' does not exist", file);
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caFile));
        var client = X509Certificate2.CreateFromPemFile(certFile, keyFile);
        return new BrokerTls(ca, client);
    }

    /// <summary>True when the broker's certificate chains to the fleet CA and names the host we dialled.</summary>
    public bool ValidateServer(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null) return false;
        if ((errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        var server = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(server);
    }
}
