using System.Diagnostics;

namespace NodeFirmware.Bench.Ingest;

/// <summary>Per message: when its publish started and when it was done (stored, or received by the discarding subscriber).</summary>
internal sealed class Latencies(int messages)
{
    private readonly long[] _published = new long[messages];
    private readonly long[] _done = new long[messages];

    public void Published(int message) => _published[message] = Stopwatch.GetTimestamp();

    public void Done(int message)
    {
        long now = Stopwatch.GetTimestamp();
        Interlocked.CompareExchange(ref _done[message], now, 0);
    }

    /// <summary>
    /// The longest wait between two consecutive messages done (received, or stored) from the first publish on. The devices
    /// publish continuously, so a path that keeps up never waits seconds for its next message while some are outstanding.
    /// </summary>
    public double MaxGapMs()
    {
        var done = _done.Where(t => t != 0).Order().ToArray();
        long previous = _published.Where(t => t != 0).DefaultIfEmpty(0).Min();
        double max = 0;
        foreach (long t in done)
        {
            if (previous != 0) max = Math.Max(max, Stopwatch.GetElapsedTime(previous, t).TotalMilliseconds);
            previous = t;
        }
        return max;
    }

    public double PercentileMs(double p)
    {
        var ms = Enumerable.Range(0, _done.Length).Where(i => _done[i] != 0 && _published[i] != 0)
            .Select(i => Stopwatch.GetElapsedTime(_published[i], _done[i]).TotalMilliseconds).Order().ToArray();
        return ms.Length == 0 ? double.NaN : ms[Math.Min(ms.Length - 1, (int)Math.Ceiling(p * ms.Length) - 1)];
    }
}
