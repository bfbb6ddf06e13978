namespace NodeFirmware.Bench.Rollout;

/// <summary>A clock that moves only when told: rollout scenarios run days of fleet time in milliseconds.</summary>
public sealed class VirtualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;
    public override DateTimeOffset GetUtcNow() => _now;
    public void Advance(TimeSpan by) => _now += by;
}
