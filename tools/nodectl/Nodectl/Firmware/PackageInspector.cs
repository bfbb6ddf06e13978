using System.Security.Cryptography;
using NodeFirmware.Core.Ota;
using NSec.Cryptography;

namespace NodeFirmware.Nodectl.Firmware;

/// <summary>Checks a package as the device will, on the host: layout, signature (NSec), key id, board, every file's size and SHA-256.</summary>
public static class PackageInspector
{
    public sealed record Inspection(FirmwarePackage Package, byte[] PackageSha256, bool SignatureChecked);

    /// <param name="publicKey">Null to skip the signature (structure and hashes are always checked).</param>
    public static Inspection Inspect(byte[] package, byte[]? publicKey, string? board = null)
    {
        FirmwarePackage p;
        try
        {
            p = FirmwarePackage.Parse(package);
        }
        catch (FormatException e)
        {
            throw new FirmwareToolException(e.Message);
        }
        if (publicKey != null)
        {
            var expectedKid = ReleaseKey.KeyId(publicKey);
            if (!p.Manifest.KeyId.AsSpan().SequenceEqual(expectedKid))
                throw new FirmwareToolException($"signed by key {Convert.ToHexStringLower(p.Manifest.KeyId)}, but the given public key is {Convert.ToHexStringLower(expectedKid)}");
            var key = PublicKey.Import(SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.RawPublicKey);
            if (!SignatureAlgorithm.Ed25519.Verify(key, p.ManifestBytes, p.Signature))
                throw new FirmwareToolException("the manifest signature does not verify");
        }
        if (board != null && !p.Manifest.SupportsBoard(board))
            throw new FirmwareToolException($"the package is not for board '{board}' (it lists {string.Join(", ", p.Manifest.Boards)})");
        for (int i = 0; i < p.Manifest.Files.Length; i++)
        {
            var f = p.Manifest.Files[i];
            var digest = SHA256.HashData(package.AsSpan((int)p.FileOffsets[i], f.Size));
            if (!digest.AsSpan().SequenceEqual(f.Sha256)) throw new FirmwareToolException($"the SHA-256 of '{f.Name}' differs from the manifest");
        }
        return new Inspection(p, SHA256.HashData(package), publicKey != null);
    }

    public static void Describe(FirmwarePackage p, TextWriter output)
    {
        var m = p.Manifest;
        output.WriteLine($"version      {m.Version}");
        output.WriteLine($"boards       {string.Join(", ", m.Boards)}");
        output.WriteLine($"min loader   {m.MinLoaderVersion}");
        output.WriteLine($"svn          {m.SecurityVersion}");
        output.WriteLine($"created      {DateTimeOffset.FromUnixTimeSeconds(m.CreatedUnixTime):yyyy-MM-dd HH:mm:ss}Z");
        output.WriteLine($"key id       {Convert.ToHexStringLower(m.KeyId)}");
        output.WriteLine($"files        {m.Files.Length}, {m.TotalSize} bytes");
        foreach (var f in m.Files) output.WriteLine($"  {f.Name,-40} {f.Size,9}  {Convert.ToHexStringLower(f.Sha256)}");
    }
}
