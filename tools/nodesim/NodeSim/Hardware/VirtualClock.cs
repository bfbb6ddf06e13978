namespace NodeSim.Hardware;

/// <summary>The fleet's shared virtual time, in Unix milliseconds. Only the fleet's scheduler moves it.</summary>
public sealed class VirtualClock
{
    private long _nowMillis;

    public VirtualClock(long startUnixMillis) => _nowMillis = startUnixMillis;

    public long NowMillis => Interlocked.Read(ref _nowMillis);

    public void AdvanceTo(long unixMillis)
    {
        if (unixMillis < NowMillis) throw new InvalidOperationException("virtual time never runs backwards");
        Interlocked.Exchange(ref _nowMillis, unixMillis);
    }
}
