namespace NodeFirmware.Receiver.Vitals;

/// <summary>
/// Battery drain per day from one device's voltage trend: the least-squares slope of millivolts over time, sign turned
/// so that a falling voltage is a positive drain. Null when the samples cannot carry a trend (too few, too short a span).
/// </summary>
public static class BatteryDrain
{
    public const int MinSamples = 3;
    public static readonly TimeSpan MinSpan = TimeSpan.FromHours(6);

    public static double? MillivoltsPerDay(IReadOnlyList<(long AtMs, int Millivolts)> points)
    {
        if (points.Count < MinSamples) return null;
        long first = points.Min(p => p.AtMs), last = points.Max(p => p.AtMs);
        if (last - first < MinSpan.TotalMilliseconds) return null;
        double meanT = points.Average(p => (p.AtMs - first) / 86_400_000.0), meanV = points.Average(p => (double)p.Millivolts);
        double covariance = 0, variance = 0;
        foreach (var (at, mv) in points)
        {
            double dt = (at - first) / 86_400_000.0 - meanT;
            covariance += dt * (mv - meanV);
            variance += dt * dt;
        }
        return variance == 0 ? null : -covariance / variance;
    }
}
