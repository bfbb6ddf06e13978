using System.Security.Cryptography;
using System.Text;

namespace NodeFirmware.Receiver.Access;

/// <summary>
/// Token secrets: "nfr_" + 32 random bytes in base64url. At rest only SHA-256 of the secret is kept: with 256 bits
/// of randomness a fast hash is enough (there is nothing to guess that a slow hash would protect), and a lookup by
/// hash does not reveal anything about other tokens.
/// </summary>
public static class TokenSecret
{
    public const string Prefix = "nfr_";
    public const int MaxLength = 128;

    public static string NewSecret() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Cheap shape check before any database lookup.</summary>
    public static bool LooksValid(string? secret) =>
        secret is { Length: > 4 and <= MaxLength } && secret.StartsWith(Prefix, StringComparison.Ordinal)
        && secret.Skip(Prefix.Length).All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
