using NodeFirmware.Core.Ota;
using NSec.Cryptography;

namespace NodeFirmware.Core.Tests.Ota;

/// <summary>A release signing key (NSec) and signed test packages made with it.</summary>
public sealed class TestRelease : IDisposable
{
    public const string Board = "esp32-devkitc-v4";

    private readonly Key _key;

    public TestRelease()
    {
        _key = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        PublicKey = _key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    public byte[] PublicKey { get; }

    public byte[] KeyId => ReleaseKey.KeyId(PublicKey);

    public byte[] Sign(byte[] data) => SignatureAlgorithm.Ed25519.Sign(_key, data);

    public void Dispose() => _key.Dispose();

    /// <summary>A signed image with <paramref name="fileSizes"/> files of random bytes.</summary>
    public TestImage MakeImage(string version, int[] fileSizes, int seed, string[] boards = null, int minLoader = 1, byte[] keyId = null, int svn = 0)
    {
        var random = new Random(seed);
        var contents = new byte[fileSizes.Length][];
        var files = new ManifestFile[fileSizes.Length];
        for (int i = 0; i < fileSizes.Length; i++)
        {
            contents[i] = new byte[fileSizes[i]];
            random.NextBytes(contents[i]);
            files[i] = new ManifestFile("Part" + i + ".pe", fileSizes[i], System.Security.Cryptography.SHA256.HashData(contents[i]));
        }
        var manifest = new FirmwareManifest
        {
            Version = FirmwareVersion.Parse(version),
            Boards = boards ?? new[] { Board },
            MinLoaderVersion = minLoader,
            SecurityVersion = svn,
            CreatedUnixTime = 1_764_000_000,
            KeyId = keyId ?? KeyId,
            Files = files,
        };
        byte[] bytes = ManifestCodec.Encode(manifest);
        return new TestImage(bytes, Sign(bytes), contents);
    }
}

/// <summary>A downgrade authorization as an offer carries it: the encoded document and its signature.</summary>
public sealed record TestAuthorization(byte[] Document, byte[] Signature);

public static class TestReleaseAuthorizations
{
    /// <summary>
    /// Signs a downgrade authorization for <paramref name="image"/> with the release key (the context-prefixed bytes,
    /// as nodectl does); <paramref name="tweak"/> may change any field before encoding.
    /// </summary>
    public static TestAuthorization Authorize(this TestRelease release, TestImage image, long counter, string[]? devices = null,
        string[]? from = null, long expires = 0, Action<DowngradeAuthorization>? tweak = null)
    {
        var a = new DowngradeAuthorization
        {
            KeyId = release.KeyId,
            TargetVersion = FirmwareVersion.Parse(image.Version),
            ManifestSha256 = System.Security.Cryptography.SHA256.HashData(image.Manifest),
            DeviceIds = devices ?? new[] { OtaDevice.DeviceId },
            FromVersions = (from ?? Array.Empty<string>()).Select(FirmwareVersion.Parse).ToArray(),
            Counter = counter,
            ExpiresUnixTime = expires,
        };
        tweak?.Invoke(a);
        byte[] document = DowngradeAuthorizationCodec.Encode(a);
        return new TestAuthorization(document, release.Sign(DowngradeAuthorizationCodec.SignedBytes(document)));
    }
}

public sealed record TestImage(byte[] Manifest, byte[] Signature, byte[][] Files)
{
    public string Version => ManifestCodec.Decode(Manifest).Version.ToString();

    /// <summary>Writes the image into a slot the way the factory would.</summary>
    public void WriteTo(NodeFirmware.Core.Hal.ISlotStorage slots, int slot)
    {
        slots.EraseSlot(slot);
        slots.Write(slot, SlotLayout.ManifestFileName, 0, Manifest.Concat(Signature).ToArray(), 0, Manifest.Length + 64);
        var m = ManifestCodec.Decode(Manifest);
        for (int i = 0; i < Files.Length; i++) slots.Write(slot, m.Files[i].Name, 0, Files[i], 0, Files[i].Length);
    }
}
