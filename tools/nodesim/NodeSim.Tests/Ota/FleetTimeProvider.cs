using NodeSim.Hardware;

namespace NodeSim.Tests.Ota;

/// <summary>The fleet's virtual clock as a <see cref="TimeProvider"/>, so the campaign engine's windows run in virtual time.</summary>
public sealed class FleetTimeProvider(VirtualClock clock) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(clock.NowMillis);
}
