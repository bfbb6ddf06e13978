using System.Text.Json;
using System.Text.Json.Nodes;
using NodeFirmware.Core.Ota;

namespace NodeFirmware.Nodectl.Firmware;

/// <summary>
/// A folder of published packages and their index (docs/formats/firmware-package.md, "Firmware repository"):
/// packages/*.nfw and index.json, which the receiver's campaign engine reads. A version, once published,
/// never changes: publishing the same package again is a no-op, a different one with that version is refused.
/// </summary>
public sealed class FirmwareRepository(string root)
{
    public const string IndexFileName = "index.json";
    public const string PackagesFolder = "packages";
    public const string IndexFormat = "nodefw-firmware-index";
    public const int IndexVersion = 1;

    public string Root { get; } = root;
    public string IndexPath => Path.Combine(Root, IndexFileName);

    public enum Outcome { Added, AlreadyPresent }

    public Outcome Publish(byte[] package, PackageInspector.Inspection inspection, DateTimeOffset now)
    {
        Directory.CreateDirectory(Path.Combine(Root, PackagesFolder));
        using var gate = AcquireLock();
        var index = ReadIndex();
        var packages = index["packages"]!.AsArray();
        var m = inspection.Package.Manifest;
        string version = m.Version.ToString();
        string sha = Convert.ToHexStringLower(inspection.PackageSha256);
        foreach (var existing in packages)
        {
            if ((string?)existing!["version"] != version) continue;
            if ((string?)existing["sha256"] == sha) return Outcome.AlreadyPresent;
            throw new FirmwareToolException($"version {version} is already published with different content ({existing["file"]}); publish a new version");
        }
        string relative = PackagesFolder + "/nodefw-" + version.Replace('+', '_') + "-" + sha[..8] + ".nfw";
        string full = Path.Combine(Root, relative);
        WriteAtomically(full, package);
        packages.Add(new JsonObject
        {
            ["version"] = version,
            ["file"] = relative,
            ["sha256"] = sha,
            ["size"] = package.Length,
            ["manifestSha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(inspection.Package.ManifestBytes)),
            ["keyId"] = Convert.ToHexStringLower(m.KeyId),
            ["boards"] = new JsonArray(m.Boards.Select(b => (JsonNode?)JsonValue.Create(b)).ToArray()),
            ["minLoader"] = m.MinLoaderVersion,
            ["created"] = m.CreatedUnixTime,
            ["publishedAt"] = now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            ["signatureChecked"] = inspection.SignatureChecked,
            ["files"] = new JsonArray(m.Files.Select(f => (JsonNode?)new JsonObject
            {
                ["name"] = f.Name,
                ["size"] = f.Size,
                ["sha256"] = Convert.ToHexStringLower(f.Sha256),
            }).ToArray()),
        });
        var sorted = packages.Select(p => p!.DeepClone()).OrderBy(p => FirmwareVersion.Parse((string)p["version"]!), Comparer<FirmwareVersion>.Create((a, b) => a.CompareTo(b))).ToArray();
        index["packages"] = new JsonArray(sorted);
        WriteAtomically(IndexPath, System.Text.Encoding.UTF8.GetBytes(index.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n"));
        return Outcome.Added;
    }

    public JsonObject ReadIndex()
    {
        if (!File.Exists(IndexPath))
            return new JsonObject { ["format"] = IndexFormat, ["version"] = IndexVersion, ["packages"] = new JsonArray() };
        try
        {
            var doc = JsonNode.Parse(File.ReadAllText(IndexPath))?.AsObject();
            if (doc == null || (string?)doc["format"] != IndexFormat || (int?)doc["version"] != IndexVersion || doc["packages"] is not JsonArray)
                throw new FirmwareToolException($"{IndexPath} is not a {IndexFormat} version {IndexVersion} file");
            return doc;
        }
        catch (JsonException e)
        {
            throw new FirmwareToolException($"{IndexPath} is not valid JSON: {e.Message}");
        }
    }

    private FileStream AcquireLock()
    {
        string path = Path.Combine(Root, ".index.lock");
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (attempt < 100)
            {
                Thread.Sleep(50);
            }
        }
    }

    private static void WriteAtomically(string path, byte[] content)
    {
        string temp = path + ".tmp-" + Environment.ProcessId;
        File.WriteAllBytes(temp, content);
        File.Move(temp, path, overwrite: true);
    }
}
