using NodeFirmware.Receiver.Decoding;
using NodeFirmware.Receiver.Model;
using NodeFirmware.Receiver.Tests.Support;
using NodeFirmware.Receiver.Validation;

namespace NodeFirmware.Receiver.Tests.Validation;

public class TelemetryValidatorTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000);
    private readonly TelemetryValidator _validator = new();

    private ValidatedBatch Validate(byte[] payload, string topicDevice = Batches.DeviceId) =>
        _validator.Validate(TelemetryBatchDecoder.Decode(payload, topicDevice), topicDevice, Now);

    private RejectReason ReasonFor(byte[] payload, string topicDevice = Batches.DeviceId) =>
        Assert.Throws<PayloadRejected>(() => Validate(payload, topicDevice)).Reason;

    [Fact]
    public void A_firmware_batch_with_a_set_clock_keeps_device_times_and_the_last_battery()
    {
        var readings = Batches.Readings(4, 10, 1_749_999_000);
        var v = Validate(Batches.Encode(readings));
        Assert.All(v.Records, r => Assert.Equal(TimeSource.Device, r.TimeSource));
        Assert.Equal(readings.Select(r => (long)r.UnixTime), v.Records.Select(r => r.Time));
        Assert.Equal(readings[^1].BatteryMillivolts, v.LastBatteryMillivolts);
    }

    [Fact]
    public void The_topic_device_must_be_the_device_a_version_1_batch_names() =>
        Assert.Equal(RejectReason.DeviceMismatch, ReasonFor(Batches.Encode(2, 1, 1_749_999_000), "esp32-000000000000"));

    [Fact]
    public void A_decoded_batch_that_is_not_the_topic_device_s_is_refused_whatever_its_version()
    {
        var packed = TelemetryBatchDecoder.Decode(Batches.EncodePacked(Batches.Readings(2, 1, 1_749_999_000)), Batches.DeviceId);
        var e = Assert.Throws<PayloadRejected>(() => _validator.Validate(packed, "esp32-000000000000", Now));
        Assert.Equal(RejectReason.DeviceMismatch, e.Reason);
    }

    [Fact]
    public void An_unset_clock_is_flagged_and_timed_by_the_receiver()
    {
        var v = Validate(Batches.Encode(3, 1, firstTime: 0));
        Assert.All(v.Records, r =>
        {
            Assert.Equal(TimeSource.Unset, r.TimeSource);
            Assert.Equal(Now.ToUnixTimeSeconds(), r.Time);
            Assert.Equal(0, r.DeviceTime);
        });
    }

    [Fact]
    public void Times_before_2020_or_beyond_ten_minutes_ahead_are_flagged_as_skewed()
    {
        var old = Validate(BatchCbor.Valid(time: 1_500_000_000).Encode());
        Assert.All(old.Records, r => Assert.Equal(TimeSource.Skewed, r.TimeSource));

        long soon = Now.ToUnixTimeSeconds() + 9 * 60 - 120; // the last of three readings (60 s apart) lands at +9 min
        Assert.All(Validate(BatchCbor.Valid(time: soon).Encode()).Records, r => Assert.Equal(TimeSource.Device, r.TimeSource));

        var ahead = Validate(BatchCbor.Valid(time: Now.ToUnixTimeSeconds() + 11 * 60).Encode());
        Assert.All(ahead.Records, r =>
        {
            Assert.Equal(TimeSource.Skewed, r.TimeSource);
            Assert.Equal(Now.ToUnixTimeSeconds(), r.Time);
        });
    }

    [Fact]
    public void Unknown_units_and_wrong_units_for_known_channels_are_rejected()
    {
        Assert.Equal(RejectReason.UnknownUnit, ReasonFor(OneChannel("temperature", "degC", 0, 20)));
        Assert.Equal(RejectReason.UnitMismatch, ReasonFor(OneChannel("temperature", "Pa", 0, 20)));
        Assert.Equal(RejectReason.UnitMismatch, ReasonFor(OneChannel("humidity", "Cel", 0, 20)));
        Assert.Single(Validate(OneChannel("co2", "ppm", 0, 400)).Records.Single().Values); // a new channel in a known unit is fine
        Assert.Equal(3.7, Validate(OneChannel("battery", "mV", 0, 3700)).LastBatteryMillivolts / 1000.0);
    }

    [Theory]
    [InlineData("temperature", "Cel", -2, 8501)]
    [InlineData("temperature", "Cel", -2, -4001)]
    [InlineData("humidity", "%RH", -2, 10001)]
    [InlineData("pressure", "Pa", 0, 29_999)]
    [InlineData("pressure", "Pa", 0, 110_001)]
    [InlineData("battery", "V", -3, 6001)]
    public void Values_outside_the_BME280_and_battery_ranges_are_rejected(string channel, string unit, int exponent, long value) =>
        Assert.Equal(RejectReason.OutOfRange, ReasonFor(OneChannel(channel, unit, exponent, value)));

    [Theory]
    [InlineData("temperature", "Cel", -2, 8500)]
    [InlineData("temperature", "Cel", -2, -4000)]
    [InlineData("humidity", "%RH", -2, 0)]
    [InlineData("pressure", "Pa", 0, 30_000)]
    [InlineData("pressure", "hPa", -2, 110_000)]
    public void Values_at_the_range_limits_are_accepted(string channel, string unit, int exponent, long value) =>
        Assert.Single(Validate(OneChannel(channel, unit, exponent, value)).Records);

    private static byte[] OneChannel(string name, string unit, int exponent, long value) =>
        BatchCbor.Valid(readings: 1).Set("c", w =>
        {
            w.WriteStartArray(1);
            BatchCbor.Channel(w, name, unit, exponent, [value]);
            w.WriteEndArray();
        }).Encode();
}
