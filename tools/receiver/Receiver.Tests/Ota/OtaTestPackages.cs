using System.Security.Cryptography;
using NodeFirmware.Core.Ota;

namespace NodeFirmware.Receiver.Tests.Ota;

/// <summary>
/// Well-formed .nfw packages for the campaign engine's tests. The engine serves packages and does not verify
/// signatures itself (the device does), so a zero signature is enough here.
/// </summary>
public static class OtaTestPackages
{
    public const string Board = "firebeetle-esp32";

    public static byte[] Make(string version, params int[] fileSizes)
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
            KeyId = new byte[8],
            Files = files.Select((f, i) => new ManifestFile($"File{i}.pe", f.Length, SHA256.HashData(f))).ToArray(),
        };
        return FirmwarePackage.Build(ManifestCodec.Encode(manifest), new byte[64], files);
    }

    /// <summary>A downgrade authorization file (.nfa) for <paramref name="package"/>, with a zero signature like the packages here.</summary>
    public static byte[] Authorization(byte[] package, string[] devices, long counter = 1, Action<DowngradeAuthorization>? tweak = null)
    {
        var parsed = FirmwarePackage.Parse(package);
        var a = new DowngradeAuthorization
        {
            KeyId = new byte[8], TargetVersion = parsed.Manifest.Version, ManifestSha256 = SHA256.HashData(parsed.ManifestBytes),
            DeviceIds = devices, FromVersions = [], Counter = counter,
        };
        tweak?.Invoke(a);
        return DowngradeAuthorizationFile.Build(DowngradeAuthorizationCodec.Encode(a), new byte[64]);
    }
}
