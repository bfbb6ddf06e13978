using NodeFirmware.Core.Telemetry;
using NodeFirmware.Receiver.Model;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Bench.Ingest;

/// <summary>How the store's readings compare with those sent: missing were sent and not stored as sent; altered were stored
/// with another time or other values than sent, stored without having been sent, or stored twice.</summary>
internal readonly record struct StoredReadingsVerdict(long Missing, long Altered)
{
    public bool Complete => Missing == 0 && Altered == 0;
}

/// <summary>
/// Reads every device's readings back from the store after a run and holds each to the reading its device sent:
/// the same key (epoch, sequence), device time, and each channel at the sensor's resolution. A count alone would
/// not notice a decoder that stores the right number of wrong values.
/// </summary>
internal static class StoredReadingsCheck
{
    public static async Task<StoredReadingsVerdict> VerifyAsync(ITelemetryStore store, IReadOnlyList<BenchMessage> messages)
    {
        long missing = 0, altered = 0;
        foreach (var device in messages.GroupBy(m => m.Device))
        {
            var sent = device.SelectMany(m => m.Sent).ToDictionary(r => (long)r.Sequence);
            var stored = await store.QueryReadingsAsync(device.Key, 0, long.MaxValue, sent.Count + 1);
            var seen = new HashSet<long>();
            foreach (var s in stored)
            {
                if (s.Key.Epoch == BenchMessages.Epoch && sent.TryGetValue(s.Key.Sequence, out var r) && Same(s, r) && seen.Add(s.Key.Sequence)) continue;
                altered++; // changed, never sent, or stored twice
            }
            missing += sent.Keys.Count(k => !seen.Contains(k));
        }
        return new StoredReadingsVerdict(missing, altered);
    }

    private static bool Same(StoredReading s, Reading r) =>
        s.DeviceTime == r.UnixTime && s.Fault is null && s.Values.Count == 4
        && Scaled(s, "temperature", 100) == r.Sample.CentiCelsius
        && Scaled(s, "humidity", 100) == r.Sample.CentiPercentRh
        && Scaled(s, "pressure", 1) == r.Sample.Pascal
        && Scaled(s, "battery", 1000) == r.BatteryMillivolts;

    /// <summary>The channel's value in the sensor's unit of resolution; null when the reading has no such channel.</summary>
    private static long? Scaled(StoredReading s, string channel, double perUnit)
    {
        foreach (ChannelValue v in s.Values)
            if (v.Channel == channel) return (long)Math.Round(v.Value * perUnit);
        return null;
    }
}
