namespace NodeFirmware.Receiver.Vitals;

/// <summary>
/// The health signals of a group of devices over a window, from their vitals samples (docs/receiver.md, "Vitals"):
/// <list type="bullet">
/// <item>crash-free rate: the share of devices with no brown-out, watchdog reset or panic in the window;</item>
/// <item>reconnect rate: reconnects per device per day, between the first and the last sample that carries the count
/// (only the statuses with the hourly vitals do);</item>
/// <item>wake-to-publish: the median of the wakes' times to the first PUBACK, ms;</item>
/// <item>battery drain: the median of the devices' drains, mV per day (devices without a trend left out).</item>
/// </list>
/// Counters are running totals; a device's increase is its last sample's minus its first (a counter that went
/// down means the journal started a new epoch: the last value is then the increase).
/// </summary>
public sealed record CohortHealth(int Devices, double? CrashFreeRate, double? ReconnectsPerDay, double? WakeToPublishMs, double? DrainMillivoltsPerDay, int DrainDevices)
{
    public static CohortHealth From(IEnumerable<VitalsSample> samples)
    {
        var byDevice = samples.GroupBy(s => s.DeviceId, StringComparer.Ordinal).Select(g => g.OrderBy(s => s.ReceivedAtMs).ToList()).ToList();
        if (byDevice.Count == 0) return new CohortHealth(0, null, null, null, null, 0);
        int crashFree = 0;
        double reconnects = 0, deviceDays = 0;
        var wakes = new List<double>();
        var drains = new List<double>();
        foreach (var list in byDevice)
        {
            VitalsSample first = list[0], last = list[^1];
            if (Increase(first.Brownouts + first.Watchdogs + first.Panics, last.Brownouts + last.Watchdogs + last.Panics) == 0) crashFree++;
            var counted = list.Where(s => s.Reconnects is not null).ToList();
            if (counted.Count > 1 && counted[^1].ReceivedAtMs > counted[0].ReceivedAtMs)
            {
                reconnects += Increase(counted[0].Reconnects!.Value, counted[^1].Reconnects!.Value);
                deviceDays += (counted[^1].ReceivedAtMs - counted[0].ReceivedAtMs) / 86_400_000.0;
            }
            wakes.AddRange(list.Where(s => s.WakeToPublish is not null).Select(s => (double)s.WakeToPublish!.TotalMs));
            var drain = BatteryDrain.MillivoltsPerDay(list.Where(s => s.BatteryMillivolts is not null).Select(s => (s.ReceivedAtMs, s.BatteryMillivolts!.Value)).ToList());
            if (drain is { } d) drains.Add(d);
        }
        return new CohortHealth(byDevice.Count, (double)crashFree / byDevice.Count, deviceDays > 0 ? reconnects / deviceDays : null,
            Median(wakes), Median(drains), drains.Count);
    }

    private static long Increase(long first, long last) => last >= first ? last - first : last;

    private static double? Median(List<double> values)
    {
        if (values.Count == 0) return null;
        values.Sort();
        int mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
