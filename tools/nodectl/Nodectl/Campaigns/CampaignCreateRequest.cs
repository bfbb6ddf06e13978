using NodeFirmware.Core.Ota;

namespace NodeFirmware.Nodectl.Campaigns;

/// <summary>
/// The body of the receiver's POST /api/campaigns (docs/receiver.md, "Campaign API"), built from <c>nodectl campaign
/// create</c>'s options. Values left null take the receiver's defaults. The package goes as bytes (base64 in JSON).
/// </summary>
public sealed record CampaignCreateRequest(
    string? Name, string? Version, byte[]? Package, string? Board, string? Firmware, IReadOnlyList<string>? Tags, double? CanaryPercent,
    double? SuccessThreshold, int? WindowSeconds, byte[]? DowngradeAuthorization, int? ChunkSize, bool Start,
    CampaignCreateRollback? Rollback = null, CampaignCreateGate? Gate = null)
{
    /// <summary>The largest package sent: its base64 must fit the receiver's 8 MiB campaign body limit (Receiver:Limits).</summary>
    public const int MaxPackageBytes = 6 * 1024 * 1024;

    /// <summary>A downgrade authorization (.nfa) is a few hundred bytes.</summary>
    public const int MaxAuthorizationBytes = 16 * 1024;

    /// <summary>
    /// Reads the package (or takes a repository version) and the authorization; throws <see cref="ArgumentException"/> for a
    /// missing, oversized or malformed file before anything is sent. The signature is the receiver's to check: it accepts
    /// only packages signed by its release key.
    /// </summary>
    public static (CampaignCreateRequest Request, string Describes) Build(string? packagePath, string? version, string? name, string? board,
        string? firmware, string? tags, double? canaryPercent, double? successThreshold, int? windowSeconds, string? authorizationPath,
        int? chunkSize, bool draft, string? rollbackPackagePath = null, string? rollbackVersion = null, string? rollbackAuthorizationPath = null,
        CampaignCreateGate? gate = null)
    {
        if (packagePath is null == version is null)
            throw new ArgumentException("give exactly one of --package (a signed .nfw from 'nodectl firmware sign') or --version (from the receiver's firmware repository)");
        if (gate is not null && canaryPercent is not null)
            throw new ArgumentException("--canary-percent is for canary → rest; with health-gated stages the first of --stages plays the canary's part");
        byte[]? package = null;
        string describes = $"version {version} from the receiver's firmware repository";
        if (packagePath is not null) (package, describes) = ReadPackage(packagePath);
        byte[]? authorization = authorizationPath is null ? null : ReadBounded(authorizationPath, MaxAuthorizationBytes, "downgrade authorization");
        var rollback = BuildRollback(rollbackPackagePath, rollbackVersion, rollbackAuthorizationPath, ref describes);
        if ((package?.Length ?? 0) + (rollback?.Package?.Length ?? 0) > MaxPackageBytes)
            throw new ArgumentException($"the package and the rollback package together are over {MaxPackageBytes} bytes, more than the receiver takes in one request; " +
                "name one of them by version from the receiver's firmware repository (--version, --rollback-version)");
        if (gate is not null) describes += "; " + gate.Describe();
        var tagList = (tags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (new CampaignCreateRequest(name, version, package, board, firmware, tagList.Length > 0 ? tagList : null, canaryPercent, successThreshold,
            windowSeconds, authorization, chunkSize, !draft, rollback, gate), describes);
    }

    private static (byte[], string) ReadPackage(string path)
    {
        byte[] package = ReadBounded(path, MaxPackageBytes, "package");
        try
        {
            var manifest = FirmwarePackage.Parse(package).Manifest;
            return (package, $"{path}: version {manifest.Version}, boards {string.Join(", ", manifest.Boards)}");
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"{path} is not a firmware package made by 'nodectl firmware sign': {e.Message}", e);
        }
    }

    /// <summary>--rollback-package or --rollback-version with --rollback-authorization, or none of them.</summary>
    private static CampaignCreateRollback? BuildRollback(string? packagePath, string? version, string? authorizationPath, ref string describes)
    {
        if (packagePath is null && version is null && authorizationPath is null) return null;
        if (packagePath is null == version is null || authorizationPath is null)
            throw new ArgumentException("a rollback needs exactly one of --rollback-package or --rollback-version, and --rollback-authorization " +
                "(the .nfa 'nodectl firmware authorize-downgrade' signs for that package)");
        byte[]? package = null;
        string what = $"version {version} from the receiver's firmware repository";
        if (packagePath is not null) (package, what) = ReadPackage(packagePath);
        describes += $"; rollback if it halts: {what}";
        return new CampaignCreateRollback(version, package, ReadBounded(authorizationPath, MaxAuthorizationBytes, "rollback authorization"));
    }

    private static byte[] ReadBounded(string path, int limit, string what)
    {
        if (!File.Exists(path)) throw new ArgumentException($"{what} file {path} does not exist");
        long length = new FileInfo(path).Length;
        if (length > limit) throw new ArgumentException($"{what} file {path} is {length} bytes; the receiver takes at most {limit}");
        return File.ReadAllBytes(path);
    }
}

/// <summary>The create body's <c>rollback</c>: the previous firmware and its downgrade authorization, offered back to the updated devices if the campaign halts.</summary>
public sealed record CampaignCreateRollback(string? Version, byte[]? Package, byte[] DowngradeAuthorization);
