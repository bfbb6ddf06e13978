using System.Text.Json;

namespace NodeFirmware.Nodectl.Campaigns;

/// <summary>How many devices of a campaign (or of its canary wave) are in each state.</summary>
public sealed record CampaignCounts(int Total, int Waiting, int InFlight, int Succeeded, int Failed, int RolledBack, int Cancelled);

/// <summary>Which devices a campaign targets (all given conditions hold).</summary>
public sealed record CampaignCohort(string? Board, string? Firmware, IReadOnlyList<string>? Tags);

/// <summary>What a campaign offers back if it halts; the rollback campaign's id, state and counts once it started.</summary>
public sealed record CampaignRollbackInfo(string Version, long DowngradeCounter, string? CampaignId, string? State, string? StateReason, CampaignCounts? Counts);

/// <summary>The thresholds a gated campaign's stages are judged by (docs/receiver.md, "Health-gated stages").</summary>
public sealed record CampaignGateThresholds(double CrashFreeDrop, double ReconnectRatio, double ReconnectSlackPerDay, double WakeToPublishRatio, double DrainRatio, int MinDevices);

/// <summary>A stage's last judgement: promote, wait or breach, the deciding board and signal with both values, and why.</summary>
public sealed record CampaignJudgementInfo(int Stage, string Outcome, string? Board, string? Signal, double? Updated, double? Baseline, string Reason, DateTimeOffset At);

/// <summary>One stage of a gated campaign: its share, devices and status (passed, current, halted, pending).</summary>
public sealed record CampaignStageInfo(int Number, double Percent, int Devices, int Offered, int Updated, int Failed, string Status, CampaignJudgementInfo? Judgement);

/// <summary>A health-gated campaign's plan and where it stands (<see cref="Stage"/> 1-based); the per-board comparisons are the API's alone.</summary>
public sealed record CampaignGateInfo(
    IReadOnlyList<double> StagePercents, long DwellSeconds, double DevicesPerMinute, CampaignGateThresholds Thresholds, int Stage, int Offered, int Updated,
    DateTimeOffset? JudgedFrom, IReadOnlyList<CampaignStageInfo> Stages);

/// <summary>One device of a campaign: its wave (canary or rest; stage 1, 2, … when gated), state and download progress.</summary>
public sealed record CampaignDeviceInfo(
    string DeviceId, string Wave, string State, double Percent, long Done, long Total, string? Reason, string? ReportedFirmware,
    DateTimeOffset? OfferedAt, DateTimeOffset? FinishedAt);

/// <summary>
/// A campaign as the receiver's API shows it (GET /api/campaigns/{id}; docs/receiver.md, "Campaign API"); also what
/// nodectl's --json prints under "campaign". <see cref="Devices"/> is null in a list.
/// </summary>
public sealed record CampaignInfo(
    string Id, string Name, string TargetVersion, string State, string? StateReason, string? TrustProblem, CampaignCohort Cohort,
    double CanaryPercent, double SuccessThreshold, int WindowSeconds, bool Downgrade, long? DowngradeCounter, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt, CampaignCounts Counts, CampaignCounts Canary, IReadOnlyList<CampaignDeviceInfo>? Devices,
    CampaignRollbackInfo? Rollback = null, string? RollbackOf = null, CampaignGateInfo? Gate = null)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>Reads the receiver's answer; throws <see cref="FormatException"/> for one that is not a campaign.</summary>
    public static CampaignInfo Parse(string json) => Read<CampaignInfo>(json);

    public static IReadOnlyList<CampaignInfo> ParseList(string json) => Read<List<CampaignInfo>>(json);

    private static T Read<T>(string json) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Web) ?? throw new FormatException("the receiver answered null");
        }
        catch (JsonException e)
        {
            throw new FormatException($"the receiver's answer is not what nodectl expects ({e.Message}); is --receiver a NodeFirmware receiver?", e);
        }
    }
}
