using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NodeFirmware.Core.Provisioning;
using NodeFirmware.HostCommon.Pki;

namespace NodeFirmware.Nodectl.Provisioning;

/// <summary>
/// What the CA checks before it certifies a key a device made itself: the request is PKCS#10 DER of at most
/// <see cref="CsrBuilder.MaxSize"/> bytes, its signature verifies with the key it carries (the device holds that key),
/// the key is P-256, and the subject is exactly CN=&lt;the device id derived from the MAC the device reported&gt;.
/// </summary>
public static class DeviceCsr
{
    /// <summary>The public key to certify, or null with <paramref name="problem"/> saying why not.</summary>
    public static PublicKey? Check(byte[] der, string deviceId, out string? problem)
    {
        problem = null;
        if (der.Length == 0 || der.Length > CsrBuilder.MaxSize)
        {
            problem = $"the certificate request is {der.Length} bytes, not 1..{CsrBuilder.MaxSize}";
            return null;
        }
        CertificateRequest request;
        try
        {
            // Loading checks the signature (CertificateRequestLoadOptions.Default) and that nothing follows the request.
            request = CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
        }
        catch (CryptographicException e)
        {
            problem = $"the certificate request is malformed or its signature does not verify with its own key ({e.Message})";
            return null;
        }
        using (var key = request.PublicKey.GetECDsaPublicKey())
        {
            if (key is null || key.ExportParameters(false).Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                problem = "the certificate request is not for a P-256 key";
                return null;
            }
        }
        string expected = "CN=" + deviceId;
        if (request.SubjectName.Name != expected)
        {
            problem = $"the certificate request names \"{request.SubjectName.Name}\", not \"{expected}\" (the id of the MAC the device reported)";
            return null;
        }
        return request.PublicKey;
    }
}
