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

    public double PercentileMs(double p)
    {
        var ms = Enumerable.Range(0, _done.Length).Where(i => _done[i] != 0 && _published[i] != 0)
            .Select(i => Stopwatch.GetElapsedTime(_published[i], _done[i]).TotalMilliseconds).Order().ToArray();
        return ms.Length == 0 ? double.NaN : ms[Math.Min(ms.Length - 1, (int)Math.Ceiling(p * ms.Length) - 1)];
    }
}
