using System.Security.Cryptography;
using NodeFirmware.Core.Ota;
using NSec.Cryptography;

namespace NodeFirmware.Nodectl.Firmware;

/// <summary>Builds a signed firmware package (.nfw) from .pe files: manifest (Core's codec), Ed25519 signature, files.</summary>
public static class PackageSigner
{
    /// <param name="SecurityVersion">The manifest's anti-rollback "svn" (default 0); raise it for a release that fixes a vulnerability.</param>
    public sealed record Request(string Version, IReadOnlyList<string> Boards, IReadOnlyList<string> Files, int MinLoaderVersion, long CreatedUnixTime,
        int SecurityVersion = 0);

    public static byte[] Sign(Key key, byte[] publicKey, Request request)
    {
        FirmwareVersion version;
        try
        {
            version = FirmwareVersion.Parse(request.Version);
        }
        catch (FormatException e)
        {
            throw new FirmwareToolException(e.Message);
        }
        if (request.Files.Count == 0) throw new FirmwareToolException("no files to sign");
        if (request.Boards.Count == 0) throw new FirmwareToolException("at least one --board");
        var contents = new byte[request.Files.Count][];
        var entries = new ManifestFile[request.Files.Count];
        for (int i = 0; i < request.Files.Count; i++)
        {
            string path = request.Files[i];
            if (!File.Exists(path)) throw new FirmwareToolException($"file {path} does not exist");
            string name = Path.GetFileName(path);
            if (!ManifestCodec.IsValidName(name)) throw new FirmwareToolException($"file name '{name}' is not allowed in a slot (A-Z a-z 0-9 . _ -, 1-64 characters)");
            contents[i] = File.ReadAllBytes(path);
            entries[i] = new ManifestFile(name, contents[i].Length, SHA256.HashData(contents[i]));
        }
        var manifest = new FirmwareManifest
        {
            Version = version,
            Boards = request.Boards.ToArray(),
            MinLoaderVersion = request.MinLoaderVersion,
            SecurityVersion = request.SecurityVersion,
            CreatedUnixTime = request.CreatedUnixTime,
            KeyId = ReleaseKey.KeyId(publicKey),
            Files = entries,
        };
        string? problem = ManifestCodec.Check(manifest);
        if (problem != null) throw new FirmwareToolException("manifest: " + problem);
        byte[] manifestBytes = ManifestCodec.Encode(manifest);
        byte[] signature = SignatureAlgorithm.Ed25519.Sign(key, manifestBytes);
        // The device's own verifier must accept what we ship: a cross-check of NSec against Core's Ed25519.
        if (!NodeFirmware.Core.Crypto.Ed25519.Verify(publicKey, manifestBytes, signature))
            throw new FirmwareToolException("internal error: the device-side verifier rejects the new signature");
        return FirmwarePackage.Build(manifestBytes, signature, contents);
    }

    /// <summary>SOURCE_DATE_EPOCH when set (reproducible builds), else now.</summary>
    public static long DefaultCreatedTime()
    {
        string? epoch = Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH");
        if (epoch != null && long.TryParse(epoch, out long seconds) && seconds >= 0) return seconds;
        return DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    }
}
