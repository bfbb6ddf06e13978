using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NodeFirmware.HostCommon.Pki;

/// <summary>The X.509 extensions and serial numbers the fleet's certificates carry.</summary>
internal static class CertificateProfile
{
    public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";
    public const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    public const int SerialLength = 16;

    /// <summary>16 random bytes read as a positive big-endian integer with no leading zero byte, so its DER and hex forms keep all 16 bytes.</summary>
    public static byte[] NewSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(SerialLength);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x40);
        return serial;
    }

    public static void AddEndEntity(CertificateRequest request, X509Certificate2 issuer, string ekuOid, string ekuName)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid(ekuOid, ekuName) }, false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
    }

    public static X500DistinguishedName CommonName(string cn)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(cn);
        return builder.Build();
    }

    public static string? GetCommonName(X509Certificate2 certificate) =>
        certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);

    public static bool HasEku(X509Certificate2 certificate, string oid) =>
        certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>()
            .Any(e => e.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == oid));
}
