using NodeFirmware.Nodectl.Firmware;
using NodeSim.Ota;
using NSec.Cryptography;

namespace NodeSim.Tests.Support;

/// <summary>A release key and signed virtual application images, made with nodectl's package signer.</summary>
public sealed class TestFirmware : IDisposable
{
    public const string Board = "firebeetle-esp32";

    private readonly Key _key = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
    private readonly TempDirectory _dir = new();

    public byte[] PublicKey => _key.PublicKey.Export(KeyBlobFormat.RawPublicKey);

    /// <summary>A package with an application file of <paramref name="appBytes"/> bytes and the given behaviour.</summary>
    public byte[] Package(string version, AppBehaviour behaviour = AppBehaviour.Healthy, int appBytes = 20_000, string board = Board, int svn = 0)
    {
        string folder = Path.Combine(_dir.Path, version + "-" + behaviour + "-" + board + "-" + svn);
        Directory.CreateDirectory(folder);
        var app = new byte[appBytes];
        new Random(version.GetHashCode()).NextBytes(app);
        string appPath = Path.Combine(folder, "NodeFirmware.Device.pe");
        File.WriteAllBytes(appPath, app);
        string behaviourPath = Path.Combine(folder, AppBehaviours.FileName);
        File.WriteAllBytes(behaviourPath, AppBehaviours.File(behaviour));
        return PackageSigner.Sign(_key, PublicKey, new PackageSigner.Request(version, [board], [appPath, behaviourPath], 1, 1_764_000_000, svn));
    }

    /// <summary>A downgrade authorization file (.nfa) for <paramref name="package"/>, made by nodectl's signer with this release key.</summary>
    public byte[] AuthorizeDowngrade(byte[] package, IReadOnlyList<string> devices, long counter) =>
        DowngradeAuthorizer.Authorize(_key, PublicKey, package, new DowngradeAuthorizer.Request(devices, [], counter, 0));

    public VirtualNodeOta Ota(byte[] factoryPackage) => new() { ReleasePublicKey = PublicKey, Board = Board, FactoryPackage = factoryPackage };

    public void Dispose()
    {
        _key.Dispose();
        _dir.Dispose();
    }
}
