using NodeFirmware.Receiver.Decoding;
using NodeFirmware.Receiver.Model;

namespace NodeFirmware.Receiver.Validation;

/// <summary>
/// Checks a decoded batch against what the receiver will store: the topic's device, known units, plausible values,
/// and the device's clock. Readings with an unset or skewed clock are kept, timed by the receiver and flagged;
/// everything else that is wrong rejects the whole batch (it goes to quarantine with its raw bytes).
/// </summary>
public sealed class TelemetryValidator
{
    private readonly ValidationOptions _options;

    public TelemetryValidator(ValidationOptions? options = null) => _options = options ?? new ValidationOptions();

    public ValidatedBatch Validate(TelemetryBatch batch, string topicDeviceId, DateTimeOffset receivedAt)
    {
        if (!TelemetryLimits.IsSupported(batch.Version))
            throw new PayloadRejected(RejectReason.UnsupportedVersion, $"schema version {batch.Version} is not supported");
        if (!string.Equals(batch.DeviceId, topicDeviceId, StringComparison.Ordinal))
            throw new PayloadRejected(RejectReason.DeviceMismatch, $"the batch says device '{DeviceIds.Printable(batch.DeviceId)}' but arrived on the topic of '{DeviceIds.Printable(topicDeviceId)}'");
        foreach (var column in batch.Channels) CheckUnit(column);

        long received = receivedAt.ToUnixTimeSeconds();
        long latestPlausible = received + (long)_options.MaxFutureSkew.TotalSeconds;
        long earliestPlausible = _options.EarliestDeviceTime.ToUnixTimeSeconds();
        int? battery = null;
        var records = new TelemetryRecord[batch.Readings.Count];
        for (int k = 0; k < records.Length; k++)
        {
            var reading = batch.Readings[k];
            // By index: a foreach over the IReadOnlyList would allocate an enumerator per reading.
            var values = reading.Values;
            for (int v = 0; v < values.Count; v++) CheckRange(values[v], reading.Key);
            battery = BatteryMillivolts(values) ?? battery;

            var (time, source) = reading.DeviceTime switch
            {
                _ when batch.FirstTime == 0 => (received, TimeSource.Unset),
                var t when t < earliestPlausible || t > latestPlausible => (received, TimeSource.Skewed),
                var t => (t, TimeSource.Device),
            };
            records[k] = new TelemetryRecord(reading.Key, time, reading.DeviceTime, source, reading.Fault, reading.Values);
        }
        return new ValidatedBatch(batch.DeviceId, batch.Epoch, records, battery);
    }

    private static void CheckUnit(ChannelColumn column)
    {
        if (!KnownUnits.IsKnown(column.Unit))
            throw new PayloadRejected(RejectReason.UnknownUnit, $"channel '{DeviceIds.Printable(column.Name)}' has unknown unit '{DeviceIds.Printable(column.Unit)}'");
        if (ChannelRules.Known.TryGetValue(column.Name, out var rule) && !rule.RangeByUnit.ContainsKey(column.Unit))
            throw new PayloadRejected(RejectReason.UnitMismatch, $"channel '{column.Name}' cannot be in '{column.Unit}' (expected {string.Join(" or ", rule.RangeByUnit.Keys)})");
    }

    private static void CheckRange(in ChannelValue value, in ReadingKey key)
    {
        if (!ChannelRules.Known.TryGetValue(value.Channel, out var rule)) return;
        var (min, max) = rule.RangeByUnit[value.Unit];
        if (double.IsNaN(value.Value) || value.Value < min || value.Value > max)
            throw new PayloadRejected(RejectReason.OutOfRange, $"{value.Channel} = {value.Value} {value.Unit} at {key} is outside the plausible {min}..{max}");
    }

    private static int? BatteryMillivolts(IReadOnlyList<ChannelValue> values)
    {
        for (int i = 0; i < values.Count; i++)
        {
            var v = values[i];
            if (v.Channel != "battery") continue;
            if (v.Unit == "V") return (int)Math.Round(v.Value * 1000);
            if (v.Unit == "mV") return (int)Math.Round(v.Value);
        }
        return null;
    }
}
