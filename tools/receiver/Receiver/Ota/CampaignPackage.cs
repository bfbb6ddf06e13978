using NodeFirmware.Core.Ota;

namespace NodeFirmware.Receiver.Ota;

/// <summary>A signed .nfw package split for serving: the offer's manifest and signature, and any file's byte range.</summary>
public sealed class CampaignPackage
{
    private readonly byte[] _bytes;
    private readonly FirmwarePackage _parsed;

    private CampaignPackage(byte[] bytes, FirmwarePackage parsed)
    {
        _bytes = bytes;
        _parsed = parsed;
    }

    /// <summary>Throws <see cref="ArgumentException"/> for bytes that are not a well-formed package.</summary>
    public static CampaignPackage Parse(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try
        {
            return new CampaignPackage(bytes, FirmwarePackage.Parse(bytes));
        }
        catch (FormatException e)
        {
            throw new ArgumentException("firmware package: " + e.Message, e);
        }
    }

    public byte[] Bytes => _bytes;
    public byte[] ManifestBytes => _parsed.ManifestBytes;
    public byte[] Signature => _parsed.Signature;
    public FirmwareManifest Manifest => _parsed.Manifest;
    public string Version => _parsed.Manifest.Version.ToString();
    public int FileCount => _parsed.Manifest.Files.Length;
    public long TotalSize => _parsed.Manifest.TotalSize;

    /// <summary>
    /// Bytes [offset, offset + length) of file <paramref name="fileIndex"/>, clipped to the file's end; null when the
    /// index or offset lies outside the package.
    /// </summary>
    public byte[]? Range(int fileIndex, int offset, int length)
    {
        if (fileIndex < 0 || fileIndex >= FileCount || offset < 0 || length < 1) return null;
        long size = _parsed.Manifest.Files[fileIndex].Size;
        if (offset >= size) return null;
        int n = (int)Math.Min(length, size - offset);
        var data = new byte[n];
        Array.Copy(_bytes, _parsed.FileOffsets[fileIndex] + offset, data, 0, n);
        return data;
    }

    /// <summary>The device's signature check, done before offering; null when the package verifies for <paramref name="board"/>.</summary>
    public string? VerifyProblem(byte[] releasePublicKey, string board, int loaderVersion = int.MaxValue)
    {
        var verifier = new ManifestVerifier(releasePublicKey, board, loaderVersion);
        return verifier.Verify(ManifestBytes, 0, ManifestBytes.Length, Signature, out string reason) is null ? reason : null;
    }
}
