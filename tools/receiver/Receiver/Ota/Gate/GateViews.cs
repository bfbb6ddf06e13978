using NodeFirmware.HostCommon.Campaigns;
using NodeFirmware.Receiver.Vitals;

namespace NodeFirmware.Receiver.Ota.Gate;

/// <summary>
/// The "gate" object of POST /api/campaigns: health-gated stages instead of canary → rest. Each field left out takes its
/// default (docs/receiver.md, "Health-gated stages").
/// </summary>
public sealed record GateBody(
    IReadOnlyList<double>? Stages = null, long? DwellSeconds = null, double? DevicesPerMinute = null, double? CrashFreeDrop = null,
    double? ReconnectRatio = null, double? ReconnectSlackPerDay = null, double? WakeToPublishRatio = null, double? DrainRatio = null, int? MinDevices = null)
{
    /// <summary>What the plan's own validation cannot see (sizes before anything is built from them); null when fine.</summary>
    public string? Problem()
    {
        if (Stages is { Count: > RolloutPlan.MaxStages }) return $"gate.stages: at most {RolloutPlan.MaxStages} stages, not {Stages.Count}";
        if (DwellSeconds is < 1 or > GateLimits.MaxDwellSeconds) return $"gate.dwellSeconds must be 1..{GateLimits.MaxDwellSeconds} (30 days), not {DwellSeconds}";
        return null;
    }

    public RolloutPlan ToPlan()
    {
        var t = new HealthThresholds();
        return new RolloutPlan(
            Stages ?? RolloutPlan.DefaultStages,
            DwellSeconds is { } s ? TimeSpan.FromSeconds(s) : RolloutPlan.DefaultDwell,
            DevicesPerMinute ?? RolloutPlan.DefaultDevicesPerMinute,
            new HealthThresholds(CrashFreeDrop ?? t.CrashFreeDrop, ReconnectRatio ?? t.ReconnectRatio, ReconnectSlackPerDay ?? t.ReconnectSlackPerDay,
                WakeToPublishRatio ?? t.WakeToPublishRatio, DrainRatio ?? t.DrainRatio, MinDevices ?? t.MinDevices));
    }
}

/// <summary>A gated campaign's plan, where it stands (stage 1-based) and every stage with its devices and last judgement.</summary>
public sealed record GateView(
    IReadOnlyList<double> StagePercents, long DwellSeconds, double DevicesPerMinute, HealthThresholds Thresholds, int Stage, int Offered, int Updated,
    DateTimeOffset StageStartedAt, DateTimeOffset? StageUpdatedAt, DateTimeOffset? JudgedFrom, JudgementView? LastVerdict, IReadOnlyList<StageView> Stages)
{
    public static GateView From(Campaign c, GateState g)
    {
        var stages = g.Plan.StagePercents.Select((p, i) =>
        {
            var wave = c.InWave(i).ToList();
            string status = i < g.Stage ? "passed"
                : i > g.Stage ? "pending"
                : c.State switch { CampaignState.Completed => "passed", CampaignState.Halted => "halted", _ => "current" };
            return new StageView(i + 1, p, wave.Count, wave.Count(d => d.State != DeviceOtaState.Waiting), wave.Count(d => d.State == DeviceOtaState.Succeeded),
                wave.Count(d => d.State.IsFailure()), status, g.History.LastOrDefault(h => h.Stage == i) is { } j ? JudgementView.From(j) : null);
        }).ToList();
        return new GateView(g.Plan.StagePercents, (long)g.Plan.Dwell.TotalSeconds, g.Plan.DevicesPerMinute, g.Plan.Thresholds, g.Stage + 1, g.Offered,
            g.Updated, g.StageStartedAt, g.StageUpdatedAt, g.StageUpdatedAt + g.Plan.Dwell, g.LastVerdict is { } v ? JudgementView.From(v) : null, stages);
    }
}

public sealed record StageView(int Number, double Percent, int Devices, int Offered, int Updated, int Failed, string Status, JudgementView? Judgement);

/// <summary>A stage's judgement: outcome (promote, wait, breach), the deciding board and signal with both values, and each board's comparison.</summary>
public sealed record JudgementView(
    int Stage, string Outcome, string? Board, string? Signal, double? Updated, double? Baseline, string Reason, DateTimeOffset At,
    IReadOnlyList<BoardComparisonView> Boards)
{
    public static JudgementView From(StageJudgement j) => new(j.Stage + 1, Lower(j.Outcome), j.Board, j.Signal, j.Updated, j.Baseline, j.Reason, j.At,
        j.Boards.Select(b => new BoardComparisonView(b.Board, Lower(b.Verdict.Outcome), b.Verdict.Signal, b.Updated, b.Baseline)).ToList());

    private static string Lower(GateOutcome o) => o.ToString().ToLowerInvariant();
}

/// <summary>One board's updated devices against its not-updated devices, signal by signal (<see cref="CohortHealth"/>).</summary>
public sealed record BoardComparisonView(string Board, string Outcome, string? Signal, CohortHealth Updated, CohortHealth Baseline);
