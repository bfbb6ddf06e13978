namespace NodeSim.Network;

/// <summary>
/// What stands between one virtual node and the broker: scheduled outages (in virtual time), a share
/// of acknowledgements lost on the way back, and extra latency per exchange.
/// </summary>
public sealed class NetworkConditions
{
    private readonly List<(long From, long Until)> _outages = new();
    private readonly Random _random;
    private readonly object _gate = new();

    public NetworkConditions(int seed = 0) => _random = new Random(seed);

    /// <summary>Probability (0..1) that a PUBACK is lost: the broker has the message, the node does not know.</summary>
    public double AckLossRate { get; set; }

    /// <summary>Virtual milliseconds added to every exchange with the broker.</summary>
    public int ExtraLatencyMillis { get; set; }

    /// <summary>Cut the network from <paramref name="fromUnixMillis"/> for <paramref name="duration"/>.</summary>
    public void ScheduleOutage(long fromUnixMillis, TimeSpan duration)
    {
        lock (_gate) _outages.Add((fromUnixMillis, fromUnixMillis + (long)duration.TotalMilliseconds));
    }

    public bool IsUp(long unixMillis)
    {
        lock (_gate)
        {
            foreach (var (from, until) in _outages) if (unixMillis >= from && unixMillis < until) return false;
            return true;
        }
    }

    public bool LoseAck()
    {
        if (AckLossRate <= 0) return false;
        lock (_gate) return _random.NextDouble() < AckLossRate;
    }
}
