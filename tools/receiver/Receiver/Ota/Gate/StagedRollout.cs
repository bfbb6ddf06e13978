using NodeFirmware.Receiver.Vitals;

namespace NodeFirmware.Receiver.Ota.Gate;

public enum RolloutStatus { Running, Halted, Completed }

/// <summary>
/// The stage machine of a health-gated rollout over a cohort in a fixed offer order. Offers are released at most
/// <see cref="RolloutPlan.DevicesPerMinute"/> and up to the current stage's size; once every device of the stage has
/// updated and <see cref="RolloutPlan.Dwell"/> has passed, <see cref="HealthGate"/> compares the updated devices' vitals
/// (each since it updated) with the not-updated devices' over the stage's time: promote, wait, or halt naming the signal.
/// All time comes from the given <see cref="TimeProvider"/>, so it runs in virtual time.
/// </summary>
public sealed class StagedRollout
{
    private readonly RolloutPlan _plan;
    private readonly IReadOnlyList<string> _order;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, DateTimeOffset> _updatedAt = new(StringComparer.Ordinal);
    private int _offered;
    private DateTimeOffset _stageStartedAt;
    private DateTimeOffset? _stageUpdatedAt;

    public StagedRollout(RolloutPlan plan, IReadOnlyList<string> order, TimeProvider time)
    {
        plan.Validate();
        if (order.Count == 0) throw new ArgumentException("the cohort is empty");
        _plan = plan;
        _order = order;
        _time = time;
        _stageStartedAt = time.GetUtcNow();
    }

    /// <summary>0-based index of the current stage.</summary>
    public int Stage { get; private set; }
    public RolloutStatus Status { get; private set; } = RolloutStatus.Running;
    /// <summary>The last judgement: why it waits, or the breached signal and by how much.</summary>
    public GateVerdict? LastVerdict { get; private set; }
    public int Offered => _offered;
    public int Updated => _updatedAt.Count;

    /// <summary>The devices to offer now (each returned once): within the stage's size and the rate limit since the stage began.</summary>
    public IReadOnlyList<string> OffersDue()
    {
        if (Status != RolloutStatus.Running) return [];
        int target = _plan.StageSize(_order.Count, Stage);
        double minutes = (_time.GetUtcNow() - _stageStartedAt).TotalMinutes;
        int previous = Stage == 0 ? 0 : _plan.StageSize(_order.Count, Stage - 1);
        int byRate = previous + (int)Math.Floor(minutes * _plan.DevicesPerMinute + 1e-9) + 1;
        int upTo = Math.Min(target, byRate);
        var due = new List<string>();
        for (; _offered < upTo; _offered++) due.Add(_order[_offered]);
        return due;
    }

    /// <summary>A device runs the new version now (its result arrived).</summary>
    public void MarkUpdated(string deviceId) => _updatedAt.TryAdd(deviceId, _time.GetUtcNow());

    /// <summary>
    /// Judges the stage when it is due. <paramref name="samples"/> gives a device's vitals in [fromMs, toMs] (asked only
    /// when judging). Returns the verdict, or null when the stage is not due (still offering, installing or dwelling).
    /// </summary>
    public async Task<GateVerdict?> EvaluateAsync(Func<string, long, long, Task<IReadOnlyList<VitalsSample>>> samples)
    {
        if (Status != RolloutStatus.Running) return null;
        var now = _time.GetUtcNow();
        int target = _plan.StageSize(_order.Count, Stage);
        if (_offered < target || _updatedAt.Count < target) return null;
        _stageUpdatedAt ??= now;
        if (Stage == _plan.StagePercents.Count - 1)
        {
            Status = RolloutStatus.Completed;
            return LastVerdict = new GateVerdict(GateOutcome.Promote, null, null, null, $"completed: {target} devices updated");
        }
        if (now - _stageUpdatedAt < _plan.Dwell) return null;

        long nowMs = now.ToUnixTimeMilliseconds();
        var updatedSamples = new List<VitalsSample>();
        foreach (var (id, at) in _updatedAt) updatedSamples.AddRange(await samples(id, at.ToUnixTimeMilliseconds(), nowMs));
        long baselineFrom = _updatedAt.Values.Min().ToUnixTimeMilliseconds();
        var baselineSamples = new List<VitalsSample>();
        foreach (var id in _order.Skip(_offered)) baselineSamples.AddRange(await samples(id, baselineFrom, nowMs));
        var updated = CohortHealth.From(updatedSamples);
        var baseline = CohortHealth.From(baselineSamples);
        var verdict = HealthGate.Judge(updated, baseline, _plan.Thresholds);
        LastVerdict = verdict;
        if (verdict.Outcome == GateOutcome.Breach) Status = RolloutStatus.Halted;
        else if (verdict.Outcome == GateOutcome.Promote)
        {
            Stage++;
            _stageStartedAt = now;
            _stageUpdatedAt = null;
        }
        return verdict;
    }
}
