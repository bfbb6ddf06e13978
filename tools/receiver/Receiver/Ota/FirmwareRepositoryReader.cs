using System.Security.Cryptography;
using System.Text.Json;

namespace NodeFirmware.Receiver.Ota;

/// <summary>
/// Reads the firmware repository that <c>nodectl firmware publish</c> maintains (index.json and packages/,
/// docs/formats/firmware-package.md). The index is replaced atomically, so one read sees a whole index.
/// </summary>
public sealed class FirmwareRepositoryReader(string directory)
{
    public string Directory { get; } = directory;

    public sealed record Entry(string Version, string File, string Sha256, long Size, bool SignatureChecked);

    public IReadOnlyList<Entry> List()
    {
        string index = Path.Combine(Directory, "index.json");
        if (!File.Exists(index)) throw new FileNotFoundException($"firmware repository '{Directory}' has no index.json", index);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(index));
        var root = doc.RootElement;
        if (!root.TryGetProperty("format", out var format) || format.GetString() != "nodefw-firmware-index")
            throw new InvalidDataException($"'{index}' is not a nodefw-firmware-index");
        var entries = new List<Entry>();
        foreach (var p in root.GetProperty("packages").EnumerateArray())
            entries.Add(new Entry(
                p.GetProperty("version").GetString()!, p.GetProperty("file").GetString()!, p.GetProperty("sha256").GetString()!,
                p.GetProperty("size").GetInt64(), p.TryGetProperty("signatureChecked", out var c) && c.GetBoolean()));
        return entries;
    }

    /// <summary>The package published as <paramref name="version"/>, checked against the index's size and SHA-256.</summary>
    public byte[] Load(string version) => LoadWithEntry(version).Bytes;

    /// <summary>As <see cref="Load"/>, with its index entry (whether publish checked the signature).</summary>
    public (byte[] Bytes, Entry Entry) LoadWithEntry(string version)
    {
        var entry = List().FirstOrDefault(e => e.Version == version)
                    ?? throw new ArgumentException($"version '{version}' is not in the firmware repository '{Directory}'");
        string path = Path.GetFullPath(Path.Combine(Directory, entry.File));
        if (!path.StartsWith(Path.GetFullPath(Directory), StringComparison.Ordinal))
            throw new InvalidDataException($"index entry for {version} points outside the repository: '{entry.File}'");
        byte[] bytes = File.ReadAllBytes(path);
        string sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (bytes.Length != entry.Size || !string.Equals(sha, entry.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"package '{entry.File}' does not match its index entry (size {bytes.Length} vs {entry.Size}, sha256 {sha} vs {entry.Sha256})");
        return (bytes, entry);
    }

    /// <summary>A release public key file as `nodectl firmware keygen` writes it (release.pub: 64 hex digits).</summary>
    public static byte[] ReadReleasePublicKey(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"the release public key file '{path}' does not exist", path);
        string text = File.ReadAllText(path).Trim();
        if (text.Length != 64 || !text.All(Uri.IsHexDigit)) throw new InvalidDataException($"'{path}' is not a release public key (64 hex digits)");
        return Convert.FromHexString(text);
    }
}
