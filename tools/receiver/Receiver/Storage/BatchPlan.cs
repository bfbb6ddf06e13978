using NodeFirmware.Receiver.Model;

namespace NodeFirmware.Receiver.Storage;

/// <summary>
/// What a write batch means for the tables, computed the same way for every store: the readings with each key once
/// (a message redelivered inside one batch counts as duplicates here), and per device its newest activity.
/// The readings are in the order of the readings table's primary key (device, time, epoch, sequence): a batch holds a
/// few messages of each of many devices, and each device's rows belong on its own pages, so in arrival order every
/// row would land on another page; in key order consecutive rows go to the same page.
/// </summary>
public sealed class BatchPlan
{
    public List<(TelemetryRecord Record, long ReceivedAtMs)> Readings { get; } = new();
    public int DuplicatesWithinBatch { get; private set; }
    public Dictionary<string, DeviceActivity> Activity { get; } = new(StringComparer.Ordinal);

    public static BatchPlan For(WriteBatch batch)
    {
        var plan = new BatchPlan();
        var seen = new HashSet<ReadingKey>();
        foreach (var message in batch.Telemetry)
        {
            long receivedMs = message.ReceivedAt.ToUnixTimeMilliseconds();
            var activity = plan.ActivityOf(message.DeviceId);
            activity.See(receivedMs, message.BatteryMillivolts);
            foreach (var record in message.Records)
            {
                if (!seen.Add(record.Key))
                {
                    plan.DuplicatesWithinBatch++;
                    continue;
                }
                plan.Readings.Add((record, receivedMs));
                activity.LastReadingTime = Math.Max(activity.LastReadingTime ?? long.MinValue, record.Time);
            }
        }
        plan.Readings.Sort(ByPrimaryKey);
        foreach (var status in batch.Statuses)
            plan.ActivityOf(status.DeviceId).See(status.ReceivedAt.ToUnixTimeMilliseconds(), status.Status.BatteryMillivolts);
        return plan;
    }

    private static readonly Comparison<(TelemetryRecord Record, long ReceivedAtMs)> ByPrimaryKey = (a, b) =>
    {
        int c = string.CompareOrdinal(a.Record.Key.DeviceId, b.Record.Key.DeviceId);
        if (c == 0) c = a.Record.Time.CompareTo(b.Record.Time);
        if (c == 0) c = a.Record.Key.Epoch.CompareTo(b.Record.Key.Epoch);
        return c != 0 ? c : a.Record.Key.Sequence.CompareTo(b.Record.Key.Sequence);
    };

    private DeviceActivity ActivityOf(string deviceId)
    {
        if (!Activity.TryGetValue(deviceId, out var a)) Activity[deviceId] = a = new DeviceActivity(deviceId);
        return a;
    }
}

/// <summary>A device's newest activity within one batch.</summary>
public sealed class DeviceActivity(string deviceId)
{
    public string DeviceId { get; } = deviceId;
    public long LastSeenMs { get; private set; } = long.MinValue;
    public int? BatteryMillivolts { get; private set; }
    public long? LastReadingTime { get; set; }

    public void See(long atMs, int? batteryMillivolts)
    {
        if (atMs >= LastSeenMs && batteryMillivolts is not null) BatteryMillivolts = batteryMillivolts;
        LastSeenMs = Math.Max(LastSeenMs, atMs);
    }
}
