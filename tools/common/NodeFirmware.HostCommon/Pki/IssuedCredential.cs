using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NodeFirmware.HostCommon.Pki;

/// <summary>A certificate together with the private key that was generated for it.</summary>
public sealed class IssuedCredential : IDisposable
{
    public IssuedCredential(X509Certificate2 certificate, ECDsa privateKey)
    {
        Certificate = certificate;
        PrivateKey = privateKey;
    }

    /// <summary>The certificate without its key (safe to hand around and log).</summary>
    public X509Certificate2 Certificate { get; }

    public ECDsa PrivateKey { get; }

    public string CertificatePem => Certificate.ExportCertificatePem();

    /// <summary>Unencrypted PKCS#8 PEM, for files that a TLS library must read unattended. Write it with <see cref="SecretFile.WriteSecret"/>.</summary>
    public string ExportPrivateKeyPem() => PrivateKey.ExportPkcs8PrivateKeyPem();

    /// <summary>A certificate bound to its key, as TLS stacks (SslStream, MQTTnet) want it.</summary>
    public X509Certificate2 WithPrivateKey() => Certificate.CopyWithPrivateKey(PrivateKey);

    public override string ToString() => $"{Certificate.Subject} serial {Certificate.SerialNumber}";

    public void Dispose()
    {
        Certificate.Dispose();
        PrivateKey.Dispose();
    }
}
