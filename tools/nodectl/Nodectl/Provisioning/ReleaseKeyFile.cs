using System.Security.Cryptography;
using System.Text;

namespace NodeFirmware.Nodectl.Provisioning;

/// <summary>
/// Reads the OTA release public key (Ed25519, 32 bytes) from a file: raw 32 bytes, 64 hex digits,
/// base64 of the 32 bytes, or a PEM "PUBLIC KEY" (SubjectPublicKeyInfo with the Ed25519 OID 1.3.101.112).
/// </summary>
public static class ReleaseKeyFile
{
    public const int KeySize = 32;

    // SEQUENCE { SEQUENCE { OID 1.3.101.112 } BIT STRING (33 bytes) } before the 32 key bytes.
    private static readonly byte[] Ed25519SpkiPrefix = Convert.FromHexString("302a300506032b6570032100");

    public static byte[] Load(string path)
    {
        if (!File.Exists(path)) throw new ArgumentException($"release public key file {path} does not exist");
        byte[] data = File.ReadAllBytes(path);
        if (data.Length == KeySize && !LooksLikeText(data)) return data;
        string text = Encoding.ASCII.GetString(data).Trim();
        if (text.Contains("PRIVATE KEY", StringComparison.Ordinal))
            throw new ArgumentException($"{path} holds a private key; give the release PUBLIC key");
        if (text.StartsWith("-----BEGIN PUBLIC KEY-----", StringComparison.Ordinal))
        {
            var pem = PemEncoding.Find(text);
            byte[] der = Convert.FromBase64String(text[pem.Base64Data]);
            if (der.Length != Ed25519SpkiPrefix.Length + KeySize || !der.AsSpan(0, Ed25519SpkiPrefix.Length).SequenceEqual(Ed25519SpkiPrefix))
                throw new ArgumentException($"{path} is a public key but not an Ed25519 one");
            return der[Ed25519SpkiPrefix.Length..];
        }
        if (text.Length == KeySize * 2 && text.All(Uri.IsHexDigit)) return Convert.FromHexString(text);
        try
        {
            byte[] decoded = Convert.FromBase64String(text);
            if (decoded.Length == KeySize) return decoded;
        }
        catch (FormatException) { }
        throw new ArgumentException($"{path} is not an Ed25519 public key (raw 32 bytes, 64 hex digits, base64 or PEM PUBLIC KEY)");
    }

    private static bool LooksLikeText(byte[] data) => data.All(b => b is (>= 0x20 and < 0x7F) or (byte)'\n' or (byte)'\r');
}
