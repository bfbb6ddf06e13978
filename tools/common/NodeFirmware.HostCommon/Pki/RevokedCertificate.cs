using System.Security.Cryptography.X509Certificates;

namespace NodeFirmware.HostCommon.Pki;

/// <summary>One entry of the revocation list: the serial (upper-case hex, as X509Certificate2.SerialNumber prints it).</summary>
public sealed record RevokedCertificate(string SerialHex, DateTimeOffset RevokedAt, X509RevocationReason Reason, string Subject)
{
    public byte[] SerialBytes() => Convert.FromHexString(SerialHex);

    public static string NormalizeSerial(string serialHex)
    {
        ArgumentNullException.ThrowIfNull(serialHex);
        var s = serialHex.Replace(":", "").Trim().ToUpperInvariant();
        if (s.Length == 0 || s.Length % 2 != 0 || !s.All(Uri.IsHexDigit))
            throw new ArgumentException($"'{serialHex}' is not a certificate serial number in hex", nameof(serialHex));
        return s;
    }
}
