using NodeFirmware.Receiver.Decoding;
using NodeFirmware.Receiver.Vitals;

namespace NodeFirmware.Receiver.Tests.Vitals;

public class CohortHealthTests
{
    private const long Hour = 3_600_000;

    private static VitalsSample Sample(string device, double hour, int mv, long crashes = 0, long? reconnects = 0, int? w2p = null) =>
        new(device, (long)(hour * Hour), "1.0.0", "sleeping", mv, 1, 0, crashes, 0, null, reconnects, null,
            w2p is null ? null : new WakeToPublish(w2p.Value, null, null, null, null, null));

    [Fact]
    public void The_drain_is_the_voltage_trends_slope_per_day()
    {
        var points = Enumerable.Range(0, 13).Select(h => (h * Hour, 4000 - 5 * h)).ToList(); // 5 mV an hour
        Assert.Equal(120, BatteryDrain.MillivoltsPerDay(points)!.Value, 6);
        Assert.Equal(-120, BatteryDrain.MillivoltsPerDay(points.Select(p => (p.Item1, 8000 - p.Item2)).ToList())!.Value, 6); // charging
    }

    [Fact]
    public void Too_few_samples_or_too_short_a_span_give_no_drain()
    {
        Assert.Null(BatteryDrain.MillivoltsPerDay([(0, 4000), (12 * Hour, 3990)]));
        Assert.Null(BatteryDrain.MillivoltsPerDay([(0, 4000), (Hour, 3990), (2 * Hour, 3980)]));
        Assert.Null(BatteryDrain.MillivoltsPerDay([]));
    }

    [Fact]
    public void Signals_count_crashes_per_device_reconnects_per_device_day_and_medians()
    {
        var samples = new List<VitalsSample>
        {
            Sample("a", 0, 4000, crashes: 2, reconnects: 10, w2p: 1000), Sample("a", 12, 3990, crashes: 2, reconnects: 12, w2p: 3000), Sample("a", 24, 3980, crashes: 2, reconnects: 14),
            Sample("b", 0, 4000, crashes: 0, reconnects: 0, w2p: 2000), Sample("b", 12, 3960, crashes: 1, reconnects: 0), Sample("b", 24, 3920, crashes: 1, reconnects: 0),
        };
        var h = CohortHealth.From(samples);
        Assert.Equal(2, h.Devices);
        Assert.Equal(0.5, h.CrashFreeRate); // a crashed before the window, not in it
        Assert.Equal(2.0, h.ReconnectsPerDay); // 4 reconnects over 2 device-days
        Assert.Equal(2000, h.WakeToPublishMs);
        Assert.Equal(50, h.DrainMillivoltsPerDay!.Value, 6); // medians of 20 and 80
        Assert.Equal(2, h.DrainDevices);
    }

    [Fact]
    public void A_counter_that_went_down_started_again_from_zero()
    {
        var h = CohortHealth.From([Sample("a", 0, 4000, reconnects: 50), Sample("a", 24, 3990, reconnects: 3)]);
        Assert.Equal(3.0, h.ReconnectsPerDay);
        Assert.Equal(new CohortHealth(0, null, null, null, null, 0), CohortHealth.From([]));
    }

    [Fact]
    public void Only_the_statuses_that_carry_the_count_give_the_reconnect_rate()
    {
        // rc 3 then 5 a day later in the hourly statuses; the statuses around and between them leave rc out.
        var samples = new List<VitalsSample> { Sample("a", 0.5, 4000, reconnects: null), Sample("a", 1, 4000, reconnects: 3) };
        samples.AddRange(Enumerable.Range(1, 3).Select(q => Sample("a", 1 + q / 4.0, 4000, reconnects: null)));
        samples.AddRange([Sample("a", 25, 3990, reconnects: 5), Sample("a", 25.5, 3990, reconnects: null)]);
        Assert.Equal(2.0, CohortHealth.From(samples).ReconnectsPerDay);

        // A drop among the counted samples is a new epoch; a device with one counted sample or none adds no device-days.
        var newEpoch = CohortHealth.From([Sample("a", 0, 4000, reconnects: 50), Sample("a", 12, 4000, reconnects: null), Sample("a", 24, 3990, reconnects: 3),
            Sample("b", 0, 4000, reconnects: 9), Sample("b", 24, 4000, reconnects: null), Sample("c", 0, 4000, reconnects: null), Sample("c", 24, 4000, reconnects: null)]);
        Assert.Equal(3.0, newEpoch.ReconnectsPerDay);
        Assert.Null(CohortHealth.From([Sample("c", 0, 4000, reconnects: null), Sample("c", 24, 4000, reconnects: null)]).ReconnectsPerDay);
    }
}
