using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.HilTests.Scenarios;

/// <summary>What the store holds for one device, checked against what the node's journal says it generated.</summary>
public sealed record ReadingAudit(long Stored, long Generated, long Missing, IReadOnlyList<string> Gaps)
{
    /// <summary>
    /// Every epoch must be gapless from sequence 1; the node's current epoch up to what it sampled minus what is
    /// still pending in its journal (generated = stored + still pending, nothing lost).
    /// </summary>
    public static ReadingAudit Of(IReadOnlyList<StoredReading> readings, uint currentEpoch, uint sampledInEpoch, int pendingInJournal)
    {
        var gaps = new List<string>();
        long generated = 0;
        foreach (var epoch in readings.GroupBy(r => r.Key.Epoch))
        {
            var seqs = epoch.Select(r => r.Key.Sequence).Distinct().OrderBy(s => s).ToList();
            long expected = epoch.Key == currentEpoch ? sampledInEpoch - pendingInJournal : seqs[^1];
            for (long s = 1, i = 0; s <= expected; s++)
            {
                while (i < seqs.Count && seqs[(int)i] < s) i++;
                if (i >= seqs.Count || seqs[(int)i] != s) gaps.Add($"epoch {epoch.Key} seq {s}");
            }
            generated += epoch.Key == currentEpoch ? sampledInEpoch : seqs[^1];
        }
        if (readings.All(r => r.Key.Epoch != currentEpoch)) generated += sampledInEpoch;
        return new ReadingAudit(readings.Count, generated, gaps.Count, gaps.Take(20).ToList());
    }

    /// <summary>Seconds between consecutive readings (device time) of the readings after <paramref name="fromDeviceTime"/>.</summary>
    public static List<long> Intervals(IReadOnlyList<StoredReading> readings, long fromDeviceTime, long toDeviceTime = long.MaxValue)
    {
        var times = readings.Where(r => r.DeviceTime >= fromDeviceTime && r.DeviceTime < toDeviceTime).Select(r => r.DeviceTime).OrderBy(t => t).ToList();
        return times.Zip(times.Skip(1), (a, b) => b - a).ToList();
    }
}
