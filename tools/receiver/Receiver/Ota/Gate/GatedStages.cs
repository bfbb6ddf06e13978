using System.Globalization;
using NodeFirmware.Receiver.Vitals;

namespace NodeFirmware.Receiver.Ota.Gate;

/// <summary>
/// The stage arithmetic of a health-gated campaign (docs/receiver.md, "Health-gated stages"); the engine applies what
/// it decides. A device's wave is the stage that offers it: the cohort in the campaign's offer order, each stage taking
/// the devices up to its cumulative share.
/// </summary>
public static class GatedStages
{
    /// <summary>
    /// The vitals of a board's devices, each in [its window's FromMs, toMs), at most <paramref name="limit"/> in all: one query
    /// (<see cref="Storage.ITelemetryStore.QueryCohortVitalsAsync"/>).
    /// </summary>
    public delegate Task<IReadOnlyList<VitalsSample>> CohortSamples(IReadOnlyList<VitalsWindow> devices, long toMs, int limit);

    /// <summary>The most status samples one board's judgement reads; beyond it the board waits, judged on no partial data.</summary>
    public const int MaxSamplesPerBoard = 2_000_000;

    /// <summary>Each device's wave (0-based stage) for <paramref name="plan"/>.</summary>
    public static Dictionary<string, int> Assign(string campaignId, IReadOnlyCollection<string> cohort, RolloutPlan plan)
    {
        var order = CanaryPolicy.OfferOrder(campaignId, cohort);
        var waves = new Dictionary<string, int>(StringComparer.Ordinal);
        int stage = 0;
        for (int i = 0; i < order.Count; i++)
        {
            while (i >= plan.StageSize(order.Count, stage)) stage++;
            waves[order[i]] = stage;
        }
        return waves;
    }

    /// <summary>
    /// The current stage's devices to offer now, in offer order: the stage's first device at once, then
    /// <see cref="RolloutPlan.DevicesPerMinute"/> from when the stage started, never past the stage's devices.
    /// </summary>
    public static IReadOnlyList<CampaignDevice> OffersDue(Campaign c, GateState g, DateTimeOffset now)
    {
        var wave = c.InWave(g.Stage).ToDictionary(d => d.DeviceId, StringComparer.Ordinal);
        int offered = wave.Values.Count(d => d.State != DeviceOtaState.Waiting);
        int byRate = (int)Math.Floor((now - g.StageStartedAt).TotalMinutes * g.Plan.DevicesPerMinute + 1e-9) + 1;
        int due = Math.Min(wave.Count, byRate) - offered;
        if (due <= 0) return [];
        return CanaryPolicy.OfferOrder(c.Id, wave.Keys).Select(id => wave[id]).Where(d => d.State == DeviceOtaState.Waiting).Take(due).ToList();
    }

    /// <summary>
    /// Compares, board by board, the devices updated so far (each over its vitals since it updated) with the devices on the
    /// same board not offered yet (over the same time since the board's first update), both sides read in one query per
    /// board. A breach on any board decides; a promotion needs every board with updated devices healthy; anything else waits.
    /// </summary>
    public static async Task<StageJudgement> JudgeAsync(Campaign c, GateState g, CohortSamples samples, DateTimeOffset now,
        int maxSamples = MaxSamplesPerBoard)
    {
        long toMs = now.ToUnixTimeMilliseconds() + 1; // the store's window is [from, to): include a status sent at this instant
        var comparisons = new List<BoardComparison>();
        foreach (var board in g.Boards.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var devices = c.Devices.Values.Where(d => g.Boards.GetValueOrDefault(d.DeviceId) == board).ToList();
            var updated = devices.Where(d => d.State == DeviceOtaState.Succeeded && d.FinishedAt is not null).ToList();
            if (updated.Count == 0) continue;
            long from = updated.Min(d => d.FinishedAt!.Value).ToUnixTimeMilliseconds();
            var windows = updated.Select(d => new VitalsWindow(d.DeviceId, d.FinishedAt!.Value.ToUnixTimeMilliseconds()))
                .Concat(devices.Where(d => d.State == DeviceOtaState.Waiting).Select(d => new VitalsWindow(d.DeviceId, from))).ToList();
            var read = await samples(windows, toMs, maxSamples + 1);
            if (read.Count > maxSamples)
            {
                var none = CohortHealth.From([]);
                comparisons.Add(new BoardComparison(board, none, none, new GateVerdict(GateOutcome.Wait, null, null, null,
                    $"waiting: the board's devices sent more than {maxSamples} statuses since its first update, more than a judgement reads")));
                continue;
            }
            var updatedIds = updated.Select(d => d.DeviceId).ToHashSet(StringComparer.Ordinal);
            var u = CohortHealth.From(read.Where(s => updatedIds.Contains(s.DeviceId)));
            var b = CohortHealth.From(read.Where(s => !updatedIds.Contains(s.DeviceId)));
            comparisons.Add(new BoardComparison(board, u, b, HealthGate.Judge(u, b, g.Plan.Thresholds)));
        }

        string stage = StageName(g);
        if (comparisons.FirstOrDefault(x => x.Verdict.Outcome == GateOutcome.Breach) is { } breach)
            return new StageJudgement(g.Stage, now, GateOutcome.Breach, breach.Board, breach.Verdict.Signal, breach.Verdict.Updated, breach.Verdict.Baseline,
                $"{stage}, board {BoardName(breach.Board)}: {breach.Verdict.Detail}", comparisons);
        if (comparisons.Count > 0 && comparisons.All(x => x.Verdict.Outcome == GateOutcome.Promote))
            return new StageJudgement(g.Stage, now, GateOutcome.Promote, null, null, null, null,
                $"{stage}: healthy on {string.Join(", ", comparisons.Select(x => BoardName(x.Board)))}", comparisons);
        var waiting = comparisons.FirstOrDefault(x => x.Verdict.Outcome == GateOutcome.Wait);
        return new StageJudgement(g.Stage, now, GateOutcome.Wait, waiting?.Board, waiting?.Verdict.Signal, waiting?.Verdict.Updated, waiting?.Verdict.Baseline,
            waiting is null ? $"{stage}: waiting: no updated device to judge" : $"{stage}, board {BoardName(waiting.Board)}: {waiting.Verdict.Detail}", comparisons);
    }

    /// <summary>"stage 2 of 4 (10 %)".</summary>
    public static string StageName(GateState g) =>
        $"stage {g.Stage + 1} of {g.Plan.StagePercents.Count} ({g.Plan.StagePercents[g.Stage].ToString("0.##", CultureInfo.InvariantCulture)} %)";

    private static string BoardName(string board) => board.Length == 0 ? "(unknown)" : board;
}
