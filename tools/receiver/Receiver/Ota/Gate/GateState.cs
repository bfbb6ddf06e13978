using NodeFirmware.Receiver.Vitals;

namespace NodeFirmware.Receiver.Ota.Gate;

/// <summary>
/// Where a health-gated campaign stands, stored beside it (campaign_gates) so a restarted receiver resumes at the same
/// stage: its plan, each device's board, the current stage (0-based), when it started and when its last device finished,
/// the offered and updated counts, the last judgement and the last judgement of every stage judged so far.
/// </summary>
public sealed class GateState
{
    public required RolloutPlan Plan { get; init; }

    /// <summary>Each cohort device's board as the device registry knew it when the campaign was created ("" when unknown).</summary>
    public required Dictionary<string, string> Boards { get; init; }

    public int Stage { get; set; }
    public DateTimeOffset StageStartedAt { get; set; }

    /// <summary>When every device of the current stage had finished: the dwell runs from here. Null while it has not.</summary>
    public DateTimeOffset? StageUpdatedAt { get; set; }

    /// <summary>Failures of the current stage an operator's resume of the halted campaign accepted: they no longer count against the success threshold.</summary>
    public int ForgivenFailures { get; set; }

    public int Offered { get; set; }
    public int Updated { get; set; }
    public StageJudgement? LastVerdict { get; set; }
    public List<StageJudgement> History { get; init; } = [];

    public bool IsLastStage => Stage == Plan.StagePercents.Count - 1;

    /// <summary>Keeps one judgement per stage: the last one.</summary>
    public void Record(StageJudgement j)
    {
        LastVerdict = j;
        History.RemoveAll(h => h.Stage == j.Stage);
        History.Add(j);
    }

    public GateState Copy() => new()
    {
        Plan = Plan, Boards = new Dictionary<string, string>(Boards, StringComparer.Ordinal), Stage = Stage, StageStartedAt = StageStartedAt,
        StageUpdatedAt = StageUpdatedAt, ForgivenFailures = ForgivenFailures, Offered = Offered, Updated = Updated, LastVerdict = LastVerdict, History = [.. History],
    };
}

/// <summary>One board's comparison in a stage: the updated devices' health against the not-updated devices' on that board.</summary>
public sealed record BoardComparison(string Board, CohortHealth Updated, CohortHealth Baseline, GateVerdict Verdict);

/// <summary>
/// A stage's judgement (stage 0-based): the campaign-wide outcome (a breach on any board halts; every board healthy
/// promotes; otherwise it waits), the board and signal that decided it with both values, the reason, and every board's comparison.
/// </summary>
public sealed record StageJudgement(
    int Stage, DateTimeOffset At, GateOutcome Outcome, string? Board, string? Signal, double? Updated, double? Baseline, string Reason,
    IReadOnlyList<BoardComparison> Boards);
