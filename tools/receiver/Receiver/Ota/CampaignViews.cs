namespace NodeFirmware.Receiver.Ota;

/// <summary>
/// POST /api/campaigns. The package is a repository version or base64 .nfw bytes; the cohort is board, firmware, tags.
/// A downgrade carries <c>downgradeAuthorization</c> (base64 .nfa); the old <c>allowDowngrade: true</c> is refused.
/// <c>rollback</c> names what to offer back to the updated devices if the campaign halts.
/// </summary>
public sealed record CreateCampaignBody(
    string? Name, string? Version, byte[]? Package, string? Board, string? Firmware, IReadOnlyList<string>? Tags,
    double? CanaryPercent, double? SuccessThreshold, int? WindowSeconds, bool? AllowDowngrade, int? ChunkSize, bool? Start,
    byte[]? DowngradeAuthorization = null, CampaignRollbackRequest? Rollback = null, Gate.GateBody? Gate = null)
{
    public CampaignRequest ToRequest()
    {
        var defaults = new CampaignRequest();
        return new CampaignRequest
        {
            Name = Name ?? "",
            Version = Version,
            Package = Package,
            Cohort = new CohortFilter(Board, Firmware, Tags is { Count: > 0 } ? Tags : null),
            CanaryPercent = CanaryPercent ?? defaults.CanaryPercent,
            SuccessThreshold = SuccessThreshold ?? defaults.SuccessThreshold,
            Window = WindowSeconds is { } s ? TimeSpan.FromSeconds(s) : defaults.Window,
            DowngradeAuthorization = AllowDowngrade == true
                ? throw new ArgumentException("allowDowngrade is gone: a downgrade campaign carries 'downgradeAuthorization', the base64 of the signed file from 'nodectl firmware authorize-downgrade'")
                : DowngradeAuthorization,
            Rollback = Rollback,
            ChunkSize = ChunkSize ?? defaults.ChunkSize,
            Start = Start ?? true,
            Gate = Gate?.ToPlan(),
        };
    }
}

public sealed record CampaignCountsView(int Total, int Waiting, int InFlight, int Succeeded, int Failed, int RolledBack, int Cancelled)
{
    public static CampaignCountsView Of(CampaignCounts n) => new(n.Total, n.Waiting, n.InFlight, n.Succeeded, n.Failed, n.RolledBack, n.Cancelled);
}

/// <summary>
/// A campaign's rollback: the version offered back and its authorization's counter; once the campaign halted with updated
/// devices, the rollback campaign's id, state and counts (null before).
/// </summary>
public sealed record CampaignRollbackView(string Version, long DowngradeCounter, string? CampaignId, string? State, string? StateReason, CampaignCountsView? Counts)
{
    public static CampaignRollbackView Of(RollbackPlan plan, RollbackProgress? progress) => new(
        NodeFirmware.Core.Ota.FirmwarePackage.Parse(plan.Package).Manifest.Version.ToString(),
        NodeFirmware.Core.Ota.DowngradeAuthorizationFile.Parse(plan.DowngradeAuthorization).Authorization.Counter,
        progress?.CampaignId, progress is null ? null : progress.State.ToString().ToLowerInvariant(), progress?.StateReason,
        progress is null ? null : CampaignCountsView.Of(progress.Counts));
}

public sealed record CampaignDeviceView(
    string DeviceId, string Wave, string State, double Percent, long Done, long Total, string? Reason, string? ReportedFirmware,
    DateTimeOffset? OfferedAt, DateTimeOffset? FinishedAt);

/// <summary>
/// A campaign for the API and the page; <see cref="Devices"/> only for a single campaign. <see cref="TrustProblem"/>: why the
/// receiver does not serve a stored campaign (its package does not verify against the release key, or there is none).
/// <see cref="Rollback"/>: what the campaign offers back if it halts, and how that went; <see cref="RollbackOf"/>: on a
/// rollback campaign, the halted campaign it undoes. <see cref="Gate"/>: a health-gated campaign's stages and their
/// health comparisons, null for canary → rest.
/// </summary>
public sealed record CampaignView(
    string Id, string Name, string TargetVersion, string State, string? StateReason, string? TrustProblem, CohortFilter Cohort, double CanaryPercent,
    double SuccessThreshold, int WindowSeconds, bool Downgrade, long? DowngradeCounter, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    CampaignCountsView Counts, CampaignCountsView Canary, IReadOnlyList<CampaignDeviceView>? Devices, CampaignRollbackView? Rollback = null,
    string? RollbackOf = null, Gate.GateView? Gate = null)
{
    public static CampaignView From(Campaign c, bool withDevices)
    {
        return new CampaignView(
            c.Id, c.Name, c.TargetVersion, Lower(c.State), c.StateReason, c.TrustProblem, c.Cohort, c.CanaryPercent, c.SuccessThreshold,
            (int)c.Window.TotalSeconds, c.IsDowngrade,
            c.DowngradeAuthorization is { } a ? NodeFirmware.Core.Ota.DowngradeAuthorizationFile.Parse(a).Authorization.Counter : null, c.CreatedAt, c.UpdatedAt,
            CampaignCountsView.Of(c.Counts()), CampaignCountsView.Of(CampaignCounts.Of(c.InWave(CampaignEngine.CanaryWave))),
            withDevices
                ? c.Devices.Values.OrderBy(d => d.Wave).ThenBy(d => d.DeviceId, StringComparer.Ordinal).Select(d => new CampaignDeviceView(
                    d.DeviceId, c.Gate is not null ? $"stage {d.Wave + 1}" : d.Wave == CampaignEngine.CanaryWave ? "canary" : "rest", Lower(d.State), d.Percent, d.Done, d.Total,
                    d.Reason, d.ReportedFirmware, d.OfferedAt, d.FinishedAt)).ToList()
                : null,
            c.Rollback is { } plan ? CampaignRollbackView.Of(plan, c.RollbackProgress) : null,
            RollbackPlan.ParentOf(c.Id),
            c.Gate is { } g ? NodeFirmware.Receiver.Ota.Gate.GateView.From(c, g) : null);
    }

    private static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
