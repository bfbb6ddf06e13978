using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Telemetry;
using NodeFirmware.Receiver.Decoding;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Decoding;

/// <summary>Version 2's packed columns (docs/formats/README.md): what the decoder reads and every way it refuses them.</summary>
public class PackedBatchRejectionTests
{
    private static RejectReason ReasonFor(byte[] payload) => Assert.Throws<PayloadRejected>(() => TelemetryBatchDecoder.Decode(payload, Batches.DeviceId)).Reason;

    /// <summary>Two readings, one channel (temperature): time width 2, base 2131, width 3, then the codes.</summary>
    private static BatchCbor Packed(byte[] b, int n = 2, long period = 60, params int[] codes)
    {
        var batch = BatchCbor.Valid().Remove("d").Remove("dt").Remove("c");
        batch.Set("v", w => w.WriteInt32(2));
        batch.Set("p", w => w.WriteInt64(period));
        batch.Set("n", w => w.WriteInt32(n));
        batch.Set("c", w =>
        {
            var list = codes.Length == 0 ? [1] : codes;
            w.WriteStartArray(list.Length);
            foreach (int c in list) w.WriteInt32(c);
            w.WriteEndArray();
        });
        batch.Set("b", w => w.WriteByteString(b));
        return batch;
    }

    // time width 2, base zigzag(2131) = 4262 = 0xA6 0x21, width 3; bits from the lowest: time code 2 (+1 s), codes 1 (the base) and 4 (zigzag 3: -2)
    private static readonly byte[] Columns = [0x02, 0xA6, 0x21, 0x03, 0b1000_0110];

    [Fact]
    public void A_hand_packed_batch_decodes_to_its_values_and_times()
    {
        var batch = TelemetryBatchDecoder.Decode(Packed(Columns).Encode(), Batches.DeviceId);
        Assert.Equal(2, batch.Version);
        Assert.Equal([1_750_000_000L, 1_750_000_061], batch.Readings.Select(r => r.DeviceTime));
        Assert.Equal([21.31, 21.29], batch.Readings.Select(r => r.Values.Single().Value));
        Assert.Equal("Cel", batch.Channels.Single().Unit);
    }

    [Fact]
    public void The_readings_are_the_topics_device_s_whichever_topic_that_is()
    {
        byte[] payload = Batches.EncodePacked(Batches.Readings(3, 40, 1_750_000_000));
        foreach (string device in new[] { Batches.DeviceId, "esp32-0000000000bb" })
        {
            var batch = TelemetryBatchDecoder.Decode(payload, device);
            Assert.Equal(device, batch.DeviceId);
            Assert.All(batch.Readings, r => Assert.Equal(device, r.Key.DeviceId));
        }
    }

    [Theory]
    [InlineData(Batches.DeviceId)]
    [InlineData("esp32-0000000000bb")]
    public void A_batch_that_names_a_device_is_refused_even_the_topics_own(string named)
    {
        var e = Assert.Throws<PayloadRejected>(() => TelemetryBatchDecoder.Decode(Packed(Columns).Set("d", w => w.WriteTextString(named)).Encode(), Batches.DeviceId));
        Assert.Equal(RejectReason.UnknownField, e.Reason);
        Assert.Contains("names no device", e.Detail);
    }

    [Theory]
    [InlineData("")]
    [InlineData("+")]
    [InlineData("esp32/a")]
    public void A_topic_device_id_that_is_not_one_is_refused_before_the_payload_is_read(string topicDevice)
    {
        var e = Assert.Throws<PayloadRejected>(() => TelemetryBatchDecoder.Decode(Packed(Columns).Encode(), topicDevice));
        Assert.Equal(RejectReason.InvalidDeviceId, e.Reason);
    }

    [Fact]
    public void Code_zero_is_no_value()
    {
        var batch = TelemetryBatchDecoder.Decode(Packed([0x00, 0xA6, 0x21, 0x01, 0b0000_0010]).Encode(), Batches.DeviceId);
        Assert.Empty(batch.Readings[0].Values);
        Assert.Equal(21.31, batch.Readings[1].Values.Single().Value);
    }

    [Fact]
    public void Every_truncation_of_a_firmware_batch_is_refused()
    {
        var readings = Batches.Readings(15, 40, 1_750_000_000, faultRate: 0.2);
        byte[] payload = Batches.EncodePacked(readings);
        for (int len = 0; len < payload.Length; len++)
        {
            var e = Assert.Throws<PayloadRejected>(() => TelemetryBatchDecoder.Decode(payload.AsMemory(0, len), Batches.DeviceId));
            Assert.False(string.IsNullOrWhiteSpace(e.Detail), $"the refusal of {len} bytes says why");
        }
    }

    [Fact]
    public void Columns_shorter_or_longer_than_the_widths_need_are_refused()
    {
        Assert.Equal(RejectReason.LengthMismatch, ReasonFor(Packed(Columns[..4]).Encode()));
        Assert.Equal(RejectReason.LengthMismatch, ReasonFor(Packed([.. Columns, 0x00]).Encode()));
        Assert.Equal(RejectReason.LengthMismatch, ReasonFor(Packed(Columns[..2]).Encode()));
        Assert.Equal(RejectReason.LengthMismatch, ReasonFor(Packed(Columns, n: 3).Encode()));
    }

    [Fact]
    public void Set_padding_bits_are_refused()
    {
        // time width 1 and two 3-bit codes: 7 bits, the eighth is padding
        Assert.Equal(2, TelemetryBatchDecoder.Decode(Packed([0x01, 0xA6, 0x21, 0x03, 0x12]).Encode(), Batches.DeviceId).Readings.Count);
        Assert.Equal(RejectReason.MalformedCbor, ReasonFor(Packed([0x01, 0xA6, 0x21, 0x03, 0x92]).Encode()));
    }

    [Fact]
    public void A_width_over_64_bits_is_refused() =>
        Assert.Equal(RejectReason.OutOfRange, ReasonFor(Packed([0x41, 0xA6, 0x21, 0x03, 0x00]).Encode()));

    [Fact]
    public void A_base_longer_than_64_bits_is_refused()
    {
        byte[] tooLong = [0x00, .. Enumerable.Repeat((byte)0xFF, 10), 0x01, 0x00];
        Assert.Equal(RejectReason.ValueOverflow, ReasonFor(Packed(tooLong).Encode()));
        byte[] eleventhByte = [0x00, .. Enumerable.Repeat((byte)0x80, 10), 0x00, 0x00];
        Assert.Equal(RejectReason.ValueOverflow, ReasonFor(Packed(eleventhByte).Encode()));
    }

    [Fact]
    public void Sums_past_64_bits_are_refused()
    {
        // base = long.MaxValue (zigzag 2^64 - 2), width 64, a second value of +1 overflows the running sum
        byte[] b = [0x00, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x40, .. new byte[16]];
        b[12] = 0x01; // first code 1: the base itself
        b[20] = 0x03; // second code 3: +1
        Assert.Equal(RejectReason.ValueOverflow, ReasonFor(Packed(b).Encode()));
    }

    [Fact]
    public void Unknown_channel_codes_and_mixed_versions_are_refused()
    {
        Assert.Equal(RejectReason.UnknownUnit, ReasonFor(Packed(Columns, codes: 0).Encode()));
        Assert.Equal(RejectReason.ValueOverflow, ReasonFor(Packed(Columns, codes: 9).Encode()));
        Assert.Equal(RejectReason.DuplicateField, ReasonFor(Packed([0x02, 0xA6, 0x21, 0x03, 0xA6, 0x21, 0x03, 0b1000_0110, 0b0000_0001], codes: [1, 1]).Encode()));
        Assert.Equal(RejectReason.UnknownField, ReasonFor(Packed(Columns).Set("dt", w => BatchCbor.Ints(w, [0, 60])).Encode()));
        Assert.Equal(RejectReason.UnknownField, ReasonFor(BatchCbor.Valid().Set("p", w => w.WriteInt32(60)).Encode()));
    }

    [Theory]
    [InlineData("p")]
    [InlineData("n")]
    [InlineData("c")]
    [InlineData("b")]
    public void A_missing_field_is_named(string field)
    {
        var e = Assert.Throws<PayloadRejected>(() => TelemetryBatchDecoder.Decode(Packed(Columns).Remove(field).Encode(), Batches.DeviceId));
        Assert.Equal(RejectReason.MissingField, e.Reason);
        Assert.StartsWith(field, e.Detail);
    }

    [Fact]
    public void Oversized_counts_are_refused()
    {
        Assert.Equal(RejectReason.ValueOverflow, ReasonFor(Packed(Columns, n: TelemetryLimits.MaxReadings + 1).Encode()));
        Assert.Equal(RejectReason.LengthMismatch, ReasonFor(Packed(Columns, n: 0).Encode()));
        var big = Packed(new byte[TelemetryLimits.MaxPayloadBytes - 100]).Encode();
        Assert.Equal(RejectReason.LengthMismatch, ReasonFor(big));
    }

    [Fact]
    public void Random_column_bytes_are_refused_or_decoded_never_thrown_otherwise()
    {
        var random = new Random(14);
        for (int i = 0; i < 20_000; i++)
        {
            var b = new byte[random.Next(0, 40)];
            random.NextBytes(b);
            if (b.Length > 0) b[0] = (byte)random.Next(0, 12);
            try { TelemetryBatchDecoder.Decode(Packed(b, n: random.Next(1, 5), codes: [1, 3]).Encode(), Batches.DeviceId); }
            catch (PayloadRejected) { }
        }
    }

    [Fact]
    public void The_firmware_encoder_writes_a_quarter_hour_in_under_half_of_version_1()
    {
        var readings = Batches.Readings(15, 1, 1_750_000_000);
        for (int k = 0; k < readings.Length; k++)
            readings[k].Sample = new EnvironmentSample { CentiCelsius = 2131 + k % 3, CentiPercentRh = 4520 - k, Pascal = 101_325 + k % 2 };
        Assert.True(Batches.EncodePacked(readings).Length * 2 < Batches.Encode(readings).Length);
        Assert.Equal(15, TelemetryBatchDecoder.Decode(Batches.EncodePacked(readings), Batches.DeviceId).Readings.Count);
    }
}
