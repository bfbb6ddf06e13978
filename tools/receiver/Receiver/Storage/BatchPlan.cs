using NodeFirmware.Receiver.Model;

namespace NodeFirmware.Receiver.Storage;

/// <summary>
/// What a write batch means for the tables, computed the same way for every store: the readings with each key once
/// (a message redelivered inside one batch counts as duplicates here) cut into runs — consecutive sequences of one
/// device and epoch, each stored as one packed row (<see cref="PackedReadings"/>) — and per device its newest activity.
/// A device's messages that follow each other in one commit join into one run, so a commit of many messages writes
/// one row per device rather than one per reading.
/// </summary>
public sealed class BatchPlan
{
    /// <summary>The most readings in one row: bounds a row's size and how far back a key lookup has to look.</summary>
    public const int MaxRunLength = 256;

    public List<ReadingRun> Runs { get; } = new();
    public int ReadingCount { get; private set; }
    public int DuplicatesWithinBatch { get; private set; }
    public Dictionary<string, DeviceActivity> Activity { get; } = new(StringComparer.Ordinal);

    public static BatchPlan For(WriteBatch batch)
    {
        var plan = new BatchPlan();
        var readings = new List<(TelemetryRecord Record, long ReceivedAtMs)>();
        foreach (var message in batch.Telemetry)
        {
            long receivedMs = message.ReceivedAt.ToUnixTimeMilliseconds();
            var activity = plan.ActivityOf(message.DeviceId);
            activity.See(receivedMs, message.BatteryMillivolts);
            foreach (var record in message.Records)
            {
                if (record.Values.Count > ReadingLayouts.MaxWidth)
                    throw new ArgumentException($"a reading has {record.Values.Count} values; at most {ReadingLayouts.MaxWidth} are stored");
                readings.Add((record, receivedMs));
            }
        }
        readings.Sort(ByKey);
        ReadingRun? run = null;
        for (int i = 0; i < readings.Count; i++)
        {
            var (record, receivedMs) = readings[i];
            if (run is not null && run.Last.Key == record.Key)
            {
                plan.DuplicatesWithinBatch++;
                continue;
            }
            if (run is null || !run.TryAdd(record, receivedMs))
            {
                run = new ReadingRun(record, receivedMs);
                plan.Runs.Add(run);
            }
            plan.ReadingCount++;
            var activity = plan.ActivityOf(record.Key.DeviceId);
            activity.LastReadingTime = Math.Max(activity.LastReadingTime ?? long.MinValue, record.Time);
        }
        foreach (var status in batch.Statuses)
            plan.ActivityOf(status.DeviceId).See(status.ReceivedAt.ToUnixTimeMilliseconds(), status.Status.BatteryMillivolts);
        return plan;
    }

    private static readonly Comparison<(TelemetryRecord Record, long ReceivedAtMs)> ByKey = (a, b) =>
    {
        int c = string.CompareOrdinal(a.Record.Key.DeviceId, b.Record.Key.DeviceId);
        if (c == 0) c = a.Record.Key.Epoch.CompareTo(b.Record.Key.Epoch);
        if (c == 0) c = a.Record.Key.Sequence.CompareTo(b.Record.Key.Sequence);
        // A key received twice keeps its first copy, as the one-row-per-reading insert did.
        return c != 0 ? c : a.ReceivedAtMs.CompareTo(b.ReceivedAtMs);
    };

    private DeviceActivity ActivityOf(string deviceId)
    {
        if (!Activity.TryGetValue(deviceId, out var a)) Activity[deviceId] = a = new DeviceActivity(deviceId);
        return a;
    }
}

/// <summary>
/// Readings of one device and epoch with consecutive sequences, and the union of their channels in the order first
/// seen (the row's layout; at most <see cref="ReadingLayouts.MaxWidth"/> columns). <see cref="ReceivedAtMs"/> is the
/// latest receive time of its readings.
/// </summary>
public sealed class ReadingRun
{
    private readonly List<TelemetryRecord> _records;
    private readonly List<(string Channel, string Unit)> _columns;

    public ReadingRun(TelemetryRecord first, long receivedAtMs)
    {
        _records = [first];
        _columns = new List<(string, string)>(first.Values.Count);
        AddColumns(first, _columns);
        ReceivedAtMs = receivedAtMs;
    }

    private ReadingRun(List<TelemetryRecord> records, List<(string, string)> columns, long receivedAtMs)
    {
        _records = records;
        _columns = columns;
        ReceivedAtMs = receivedAtMs;
    }

    public IReadOnlyList<TelemetryRecord> Records => _records;
    public IReadOnlyList<(string Channel, string Unit)> Columns => _columns;
    public long ReceivedAtMs { get; private set; }
    public string DeviceId => _records[0].Key.DeviceId;
    public long Epoch => _records[0].Key.Epoch;
    public long FirstSequence => _records[0].Key.Sequence;
    public long LastSequence => Last.Key.Sequence;
    public TelemetryRecord Last => _records[^1];

    public long MinTime
    {
        get { long m = long.MaxValue; foreach (var r in _records) m = Math.Min(m, r.Time); return m; }
    }

    public long MaxTime
    {
        get { long m = long.MinValue; foreach (var r in _records) m = Math.Max(m, r.Time); return m; }
    }

    /// <summary>Appends the next reading if it continues this run and its channels still fit one layout.</summary>
    public bool TryAdd(TelemetryRecord record, long receivedAtMs)
    {
        var last = Last.Key;
        if (_records.Count >= BatchPlan.MaxRunLength || record.Key.Sequence != last.Sequence + 1 || record.Key.Epoch != last.Epoch
            || !string.Equals(record.Key.DeviceId, last.DeviceId, StringComparison.Ordinal)) return false;
        int before = _columns.Count;
        AddColumns(record, _columns);
        if (_columns.Count > ReadingLayouts.MaxWidth)
        {
            _columns.RemoveRange(before, _columns.Count - before);
            return false;
        }
        _records.Add(record);
        ReceivedAtMs = Math.Max(ReceivedAtMs, receivedAtMs);
        return true;
    }

    /// <summary>
    /// The parts of this run whose sequences <paramref name="stored"/> (first sequence and count of each stored range)
    /// does not cover: what is left to insert once the duplicates are taken out.
    /// </summary>
    public List<ReadingRun> Without(IReadOnlyList<(long First, long Count)> stored)
    {
        if (stored.Count == 0) return [this];
        var parts = new List<ReadingRun>();
        List<TelemetryRecord>? part = null;
        foreach (var r in _records)
        {
            long seq = r.Key.Sequence;
            bool covered = false;
            foreach (var (first, count) in stored)
                if (seq >= first && seq < first + count) { covered = true; break; }
            if (covered)
            {
                part = null;
                continue;
            }
            if (part is null)
            {
                part = new List<TelemetryRecord>();
                parts.Add(new ReadingRun(part, _columns, ReceivedAtMs));
            }
            part.Add(r);
        }
        return parts;
    }

    private static void AddColumns(TelemetryRecord record, List<(string Channel, string Unit)> columns)
    {
        foreach (var v in record.Values)
        {
            bool known = false;
            foreach (var (channel, unit) in columns)
                if (string.Equals(channel, v.Channel, StringComparison.Ordinal) && string.Equals(unit, v.Unit, StringComparison.Ordinal)) { known = true; break; }
            if (!known) columns.Add((v.Channel, v.Unit));
        }
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
