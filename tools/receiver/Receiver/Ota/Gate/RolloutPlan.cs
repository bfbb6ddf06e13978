using NodeFirmware.HostCommon.Campaigns;

namespace NodeFirmware.Receiver.Ota.Gate;

/// <summary>
/// The stages of a health-gated rollout: cumulative shares of the cohort (default 1 → 10 → 50 → 100 %), how long the
/// updated devices of a stage report before it is judged, and how many devices per minute are offered at most.
/// </summary>
public sealed record RolloutPlan(IReadOnlyList<double> StagePercents, TimeSpan Dwell, double DevicesPerMinute, HealthThresholds Thresholds)
{
    public static readonly IReadOnlyList<double> DefaultStages = [1, 10, 50, 100];
    public const int MaxStages = GateLimits.MaxStages;
    public static readonly TimeSpan DefaultDwell = TimeSpan.FromHours(12);
    public const double DefaultDevicesPerMinute = 10;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (StagePercents.Count is 0 or > MaxStages) throw new ArgumentException($"stages must list 1..{MaxStages} percentages, not {StagePercents.Count}");
        for (int i = 0; i < StagePercents.Count; i++)
        {
            double p = StagePercents[i];
            if (!(p > 0 && p <= 100)) throw new ArgumentException($"stage {i + 1} is {p} %; each stage must be in (0, 100]");
            if (i > 0 && p <= StagePercents[i - 1]) throw new ArgumentException($"stages must grow: stage {i + 1} ({p} %) is not above stage {i} ({StagePercents[i - 1]} %)");
        }
        if (StagePercents[^1] != 100) throw new ArgumentException($"the last stage must be 100 %, not {StagePercents[^1]} %");
        if (Dwell <= TimeSpan.Zero || Dwell > TimeSpan.FromSeconds(GateLimits.MaxDwellSeconds)) throw new ArgumentException($"dwell must be in (0, 30 days], not {Dwell}");
        if (!(DevicesPerMinute > 0 && DevicesPerMinute <= GateLimits.MaxDevicesPerMinute))
            throw new ArgumentException($"devicesPerMinute must be in (0, {GateLimits.MaxDevicesPerMinute}], not {DevicesPerMinute}");
        Thresholds.Validate();
    }

    /// <summary>Devices updated once stage <paramref name="stage"/> (0-based) is reached: ceil(cohort × percent / 100), at least one.</summary>
    public int StageSize(int cohort, int stage) => CanaryPolicy.CanarySize(cohort, StagePercents[stage]);
}
