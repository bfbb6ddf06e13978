using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Sli;

/// <summary>Computes the SLIs from the device registry and the store's counts. Only registered, unrevoked devices count.</summary>
public static class SliCalculator
{
    public static SliReport Compute(IReadOnlyList<DeviceRecord> devices, StoreCounts counts, DateTimeOffset now, int reportPeriodSeconds, int periods,
        SliTargets? targets = null)
    {
        var fleet = devices.Where(d => d.IsRegistered && !d.IsRevoked).ToList();

        long window = (long)reportPeriodSeconds * periods;
        var since = now - TimeSpan.FromSeconds(window);
        int seen = fleet.Count(d => d.LastSeen is { } at && at >= since);
        var connectivity = new ConnectivitySli(fleet.Count, seen, Rate(seen, fleet.Count), window);

        long nowSeconds = now.ToUnixTimeSeconds();
        var ages = fleet.Where(d => d.LastReadingTime is not null)
            .Select(d => (double)Math.Max(0, nowSeconds - d.LastReadingTime!.Value)).Order().ToArray();
        var freshness = new FreshnessSli(ages.Length, fleet.Count - ages.Length, NearestRank(ages, 0.50), NearestRank(ages, 0.95));

        var commands = new RatioSli(counts.CommandsSucceeded, counts.CommandsSent, Rate(counts.CommandsSucceeded, counts.CommandsSent));
        var ota = new RatioSli(counts.OtaSucceeded, counts.OtaFinished, Rate(counts.OtaSucceeded, counts.OtaFinished));
        targets ??= new SliTargets();
        targets = targets with { FreshnessP95Seconds = targets.FreshnessP95Seconds ?? 3.0 * reportPeriodSeconds };
        return new SliReport(connectivity, freshness, commands, ota, now, targets);
    }

    /// <summary>The nearest-rank percentile of sorted values: the smallest value with at least p of the values at or below it.</summary>
    public static double? NearestRank(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) return null;
        int rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }

    private static double? Rate(long good, long total) => total == 0 ? null : (double)good / total;
}
