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
}
