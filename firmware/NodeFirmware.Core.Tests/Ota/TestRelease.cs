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
    public TestImage MakeImage(string version, int[] fileSizes, int seed, string[] boards = null, int minLoader = 1, byte[] keyId = null)
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
            CreatedUnixTime = 1_764_000_000,
            KeyId = keyId ?? KeyId,
            Files = files,
        };
        byte[] bytes = ManifestCodec.Encode(manifest);
        return new TestImage(bytes, Sign(bytes), contents);
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
