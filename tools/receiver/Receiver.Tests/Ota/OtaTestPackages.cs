using System.Security.Cryptography;
using System.Text;
using NodeFirmware.Core.Ota;
using NSec.Cryptography;

namespace NodeFirmware.Receiver.Tests.Ota;

/// <summary>
/// Well-formed .nfw packages and downgrade authorizations for the campaign engine's tests, signed as `nodectl firmware
/// sign` and `authorize-downgrade` sign them: by the tests' release key (<see cref="Release"/>, which every engine and
/// receiver under test is given) unless a test asks for another signer.
/// </summary>
public static class OtaTestPackages
{
    public const string Board = "firebeetle-esp32";

    /// <summary>The release key the engines and receivers under test trust.</summary>
    public static TestReleaseKey Release { get; } = new("receiver tests: the fleet's release key");

    /// <summary>A well-formed key the fleet does not trust: an attacker's.</summary>
    public static TestReleaseKey Stranger { get; } = new("receiver tests: someone else's key");

    public static byte[] ReleasePublicKey => Release.PublicKey;

    public static byte[] Make(string version, params int[] fileSizes) => MakeSignedBy(Release, version, fileSizes);

    public static byte[] MakeSignedBy(TestReleaseKey signer, string version, params int[] fileSizes)
    {
        var (manifest, files) = Contents(version, signer.KeyId, fileSizes);
        byte[] manifestBytes = ManifestCodec.Encode(manifest);
        return FirmwarePackage.Build(manifestBytes, signer.Sign(manifestBytes), files);
    }

    /// <summary>
    /// <paramref name="package"/> with its manifest changed by <paramref name="tamper"/> (e.g. a newer version or another
    /// file hash): the old signature kept, or a new one by <paramref name="resignWith"/>.
    /// </summary>
    public static byte[] Tampered(byte[] package, Action<FirmwareManifest> tamper, TestReleaseKey? resignWith = null)
    {
        var parsed = FirmwarePackage.Parse(package);
        var manifest = ManifestCodec.Decode(parsed.ManifestBytes);
        tamper(manifest);
        byte[] manifestBytes = ManifestCodec.Encode(manifest);
        var files = Enumerable.Range(0, parsed.Manifest.Files.Length).Select(i => parsed.FileContent(package, i)).ToArray();
        return FirmwarePackage.Build(manifestBytes, resignWith?.Sign(manifestBytes) ?? parsed.Signature, files);
    }

    /// <summary><paramref name="package"/> with <paramref name="signature"/> in place of its own.</summary>
    public static byte[] WithSignature(byte[] package, byte[] signature)
    {
        var parsed = FirmwarePackage.Parse(package);
        var files = Enumerable.Range(0, parsed.Manifest.Files.Length).Select(i => parsed.FileContent(package, i)).ToArray();
        return FirmwarePackage.Build(parsed.ManifestBytes, signature, files);
    }

    /// <summary>A downgrade authorization file (.nfa) for <paramref name="package"/>, signed by <paramref name="signer"/> (default: the release key).</summary>
    public static byte[] Authorization(byte[] package, string[] devices, long counter = 1, Action<DowngradeAuthorization>? tweak = null,
        TestReleaseKey? signer = null)
    {
        signer ??= Release;
        var parsed = FirmwarePackage.Parse(package);
        var a = new DowngradeAuthorization
        {
            KeyId = signer.KeyId, TargetVersion = parsed.Manifest.Version, ManifestSha256 = SHA256.HashData(parsed.ManifestBytes),
            DeviceIds = devices, FromVersions = [], Counter = counter,
        };
        tweak?.Invoke(a);
        byte[] document = DowngradeAuthorizationCodec.Encode(a);
        return DowngradeAuthorizationFile.Build(document, signer.Sign(DowngradeAuthorizationCodec.SignedBytes(document)));
    }

    private static (FirmwareManifest, byte[][]) Contents(string version, byte[] keyId, int[] fileSizes)
    {
        if (fileSizes.Length == 0) fileSizes = [10_000];
        var files = fileSizes.Select((size, i) =>
        {
            var content = new byte[size];
            new Random(size * 31 + i).NextBytes(content);
            return content;
        }).ToArray();
        var manifest = new FirmwareManifest
        {
            Version = FirmwareVersion.Parse(version),
            Boards = [Board],
            MinLoaderVersion = 1,
            CreatedUnixTime = 1_764_000_000,
            KeyId = keyId,
            Files = files.Select((f, i) => new ManifestFile($"File{i}.pe", f.Length, SHA256.HashData(f))).ToArray(),
        };
        return (manifest, files);
    }
}

/// <summary>An Ed25519 release key derived from a name (the same key on every run), and its release.pub file.</summary>
public sealed class TestReleaseKey
{
    private readonly byte[] _seed;

    public TestReleaseKey(string name)
    {
        _seed = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        using var key = Import();
        PublicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        KeyId = ReleaseKey.KeyId(PublicKey);
    }

    public byte[] PublicKey { get; }
    public byte[] KeyId { get; }

    public byte[] Sign(byte[] data)
    {
        using var key = Import();
        return SignatureAlgorithm.Ed25519.Sign(key, data);
    }

    /// <summary>The public key as `nodectl firmware keygen` writes it (64 hex digits), for the receiver's --release-pub.</summary>
    public string PublicKeyFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"nf-receiver-tests-{Convert.ToHexStringLower(KeyId)}.pub");
        if (File.Exists(path)) return path;
        string partial = path + "." + Guid.NewGuid().ToString("n"); // tests in parallel: each writes whole, then renames
        File.WriteAllText(partial, Convert.ToHexStringLower(PublicKey) + "\n");
        File.Move(partial, path, overwrite: true);
        return path;
    }

    private Key Import() => Key.Import(SignatureAlgorithm.Ed25519, _seed, KeyBlobFormat.RawPrivateKey);
}
