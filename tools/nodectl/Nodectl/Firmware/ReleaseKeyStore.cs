using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NodeFirmware.Core.Ota;
using NSec.Cryptography;

namespace NodeFirmware.Nodectl.Firmware;

/// <summary>
/// The release signing key at rest (docs/formats/firmware-package.md, "Release key files"): the Ed25519
/// private key (its 32-byte seed) encrypted with AES-256-GCM under a key derived from a passphrase by
/// PBKDF2-HMAC-SHA256, in a JSON file; the public key separately as 64 hex digits. The public key and key
/// id are authenticated as GCM associated data, so editing them makes decryption fail.
/// </summary>
public static class ReleaseKeyStore
{
    public const string Format = "nodefw-release-key";
    public const int FormatVersion = 1;
    public const int DefaultIterations = 600_000;
    public const int MinimumIterations = 100_000;
    private const int SaltSize = 16;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;

    /// <summary>Creates a key pair, writes the encrypted private key to <paramref name="keyPath"/> and the public key to <paramref name="publicKeyPath"/>.</summary>
    public static byte[] Generate(string keyPath, string publicKeyPath, string passphrase, int iterations = DefaultIterations, bool overwrite = false)
    {
        if (iterations < MinimumIterations) throw new FirmwareToolException($"at least {MinimumIterations} PBKDF2 iterations");
        foreach (var path in new[] { keyPath, publicKeyPath })
            if (File.Exists(path) && !overwrite) throw new FirmwareToolException($"{path} exists; refusing to overwrite a key (use --force)");
        using var key = Key.Create(Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        byte[] publicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        byte[] seed = key.Export(KeyBlobFormat.RawPrivateKey);
        try
        {
            string json = Encrypt(seed, publicKey, passphrase, iterations);
            WritePrivate(keyPath, json);
            File.WriteAllText(publicKeyPath, Convert.ToHexStringLower(publicKey) + "\n");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
        return publicKey;
    }

    /// <summary>Decrypts the key file; the caller disposes the key.</summary>
    public static Key Load(string keyPath, string passphrase, out byte[] publicKey)
    {
        if (!File.Exists(keyPath)) throw new FirmwareToolException($"release key file {keyPath} does not exist");
        JsonObject doc;
        try
        {
            doc = JsonNode.Parse(File.ReadAllText(keyPath)) as JsonObject ?? throw new FirmwareToolException($"{keyPath} is not a release key file");
        }
        catch (JsonException e)
        {
            throw new FirmwareToolException($"{keyPath} is not a release key file: {e.Message}");
        }
        if ((string?)doc["format"] != Format || (int?)doc["version"] != FormatVersion)
            throw new FirmwareToolException($"{keyPath} is not a {Format} version {FormatVersion} file");
        try
        {
            publicKey = Convert.FromHexString(Text(doc, "publicKey"));
            string keyId = Text(doc, "keyId");
            var kdf = doc["kdf"]!.AsObject();
            var cipher = doc["cipher"]!.AsObject();
            int iterations = (int)kdf["iterations"]!;
            byte[] salt = Convert.FromBase64String(Text(kdf, "salt"));
            byte[] nonce = Convert.FromBase64String(Text(cipher, "nonce"));
            byte[] tag = Convert.FromBase64String(Text(cipher, "tag"));
            byte[] ciphertext = Convert.FromBase64String(Text(doc, "ciphertext"));
            if (publicKey.Length != 32 || salt.Length != SaltSize || nonce.Length != NonceSize || tag.Length != TagSize || ciphertext.Length != 32 || iterations < MinimumIterations)
                throw new FirmwareToolException($"{keyPath}: a field has the wrong size");
            if (keyId != Convert.ToHexStringLower(ReleaseKey.KeyId(publicKey)))
                throw new FirmwareToolException($"{keyPath}: key id does not belong to the public key");
            byte[] seed = new byte[32];
            byte[] aesKey = DeriveKey(passphrase, salt, iterations);
            try
            {
                using var aes = new AesGcm(aesKey, TagSize);
                aes.Decrypt(nonce, ciphertext, tag, seed, AssociatedData(publicKey));
                var key = Key.Import(Ed25519, seed, KeyBlobFormat.RawPrivateKey);
                if (!key.PublicKey.Export(KeyBlobFormat.RawPublicKey).AsSpan().SequenceEqual(publicKey))
                {
                    key.Dispose();
                    throw new FirmwareToolException($"{keyPath}: the private key does not match the stored public key");
                }
                return key;
            }
            catch (AuthenticationTagMismatchException)
            {
                throw new FirmwareToolException($"{keyPath}: wrong passphrase, or the file was altered");
            }
            finally
            {
                CryptographicOperations.ZeroMemory(seed);
                CryptographicOperations.ZeroMemory(aesKey);
            }
        }
        catch (Exception e) when (e is FormatException or NullReferenceException or InvalidOperationException or JsonException)
        {
            throw new FirmwareToolException($"{keyPath}: malformed release key file ({e.Message})");
        }
    }

    /// <summary>Reads a public key file (64 hex digits; the other forms provisioning accepts too).</summary>
    public static byte[] LoadPublicKey(string path)
    {
        try
        {
            return NodeFirmware.Nodectl.Provisioning.ReleaseKeyFile.Load(path);
        }
        catch (ArgumentException e)
        {
            throw new FirmwareToolException(e.Message);
        }
    }

    private static string Encrypt(byte[] seed, byte[] publicKey, string passphrase, int iterations)
    {
        byte[] salt = RandomNumberGenerator.GetBytes(SaltSize);
        byte[] nonce = RandomNumberGenerator.GetBytes(NonceSize);
        byte[] ciphertext = new byte[seed.Length];
        byte[] tag = new byte[TagSize];
        byte[] aesKey = DeriveKey(passphrase, salt, iterations);
        try
        {
            using var aes = new AesGcm(aesKey, TagSize);
            aes.Encrypt(nonce, seed, ciphertext, tag, AssociatedData(publicKey));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(aesKey);
        }
        var doc = new JsonObject
        {
            ["format"] = Format,
            ["version"] = FormatVersion,
            ["algorithm"] = "Ed25519",
            ["keyId"] = Convert.ToHexStringLower(ReleaseKey.KeyId(publicKey)),
            ["publicKey"] = Convert.ToHexStringLower(publicKey),
            ["kdf"] = new JsonObject { ["name"] = "PBKDF2-HMAC-SHA256", ["iterations"] = iterations, ["salt"] = Convert.ToBase64String(salt) },
            ["cipher"] = new JsonObject { ["name"] = "AES-256-GCM", ["nonce"] = Convert.ToBase64String(nonce), ["tag"] = Convert.ToBase64String(tag) },
            ["ciphertext"] = Convert.ToBase64String(ciphertext),
        };
        return doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    private static byte[] DeriveKey(string passphrase, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(passphrase), salt, iterations, HashAlgorithmName.SHA256, 32);

    /// <summary>"nodefw-release-key/1/" + the public key's hex: binds the public half to the ciphertext.</summary>
    private static byte[] AssociatedData(byte[] publicKey) =>
        Encoding.ASCII.GetBytes(Format + "/" + FormatVersion + "/" + Convert.ToHexStringLower(publicKey));

    private static string Text(JsonObject o, string name) =>
        (string?)o[name] ?? throw new FirmwareToolException($"release key file: missing \"{name}\"");

    private static void WritePrivate(string path, string content)
    {
        string temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }
        File.Move(temp, path, overwrite: true);
    }
}
