using NodeFirmware.Nodectl.Firmware;
using NodeSim.Ota;
using NSec.Cryptography;

namespace NodeFirmware.HilTests.Support;

/// <summary>
/// The rigs' release key: the factory provisions its public half into every device, the receiver verifies
/// campaigns against it, and the OTA scenarios sign their images with it through nodectl's package signer.
/// </summary>
public static class HilRelease
{
    private static readonly Key SigningKey = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
    private static readonly string Folder = Directory.CreateTempSubdirectory("hil-release-").FullName;

    public static byte[] PublicKey { get; } = SigningKey.PublicKey.Export(KeyBlobFormat.RawPublicKey);

    /// <summary>The public key as `nodectl firmware keygen` writes it (64 hex digits), for the receiver's --release-pub.</summary>
    public static string PublicKeyFile()
    {
        string path = Path.Combine(Folder, "release.pub");
        if (!File.Exists(path)) File.WriteAllText(path, Convert.ToHexString(PublicKey).ToLowerInvariant() + "\n");
        return path;
    }

    /// <summary>A signed virtual application image for <paramref name="board"/>.</summary>
    public static byte[] Package(string version, string board, AppBehaviour behaviour = AppBehaviour.Healthy)
    {
        string dir = Path.Combine(Folder, $"{version}-{behaviour}-{board}");
        Directory.CreateDirectory(dir);
        string app = Path.Combine(dir, "NodeFirmware.Device.pe");
        var bytes = new byte[40_000];
        new Random(version.GetHashCode()).NextBytes(bytes);
        File.WriteAllBytes(app, bytes);
        string behaviourFile = Path.Combine(dir, AppBehaviours.FileName);
        File.WriteAllBytes(behaviourFile, AppBehaviours.File(behaviour));
        return PackageSigner.Sign(SigningKey, PublicKey, new PackageSigner.Request(version, [board], [app, behaviourFile], 1, 1_764_000_000));
    }
}
