using NodeFirmware.Receiver.Decoding;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Decoding;

public class TelemetryBatchDecoderRejectionTests
{
    private static RejectReason ReasonFor(byte[] payload) => Assert.Throws<PayloadRejected>(() => TelemetryBatchDecoder.Decode(payload, Batches.DeviceId)).Reason;

    [Fact]
    public void The_valid_template_decodes_with_running_sums_and_scale()
    {
        var batch = TelemetryBatchDecoder.Decode(BatchCbor.Valid().Encode(), Batches.DeviceId);
        Assert.Equal(3, batch.Readings.Count);
        Assert.Equal([21.31, 21.32, 21.33], batch.Readings.Select(r => r.Values.Single(v => v.Channel == "temperature").Value));
        Assert.Equal([101325.0, 101323, 101321], batch.Readings.Select(r => r.Values.Single(v => v.Channel == "pressure").Value));
        Assert.Equal([100L, 101, 102], batch.Readings.Select(r => r.Key.Sequence));
        Assert.Equal([1_750_000_000L, 1_750_000_060, 1_750_000_120], batch.Readings.Select(r => r.DeviceTime));
    }

    [Fact]
    public void Null_entries_are_skipped_by_the_running_sum()
    {
        var payload = BatchCbor.Valid().Set("c", w =>
        {
            w.WriteStartArray(1);
            BatchCbor.Channel(w, "temperature", "Cel", -2, [2000, null, 5]);
            w.WriteEndArray();
        }).Encode();
        var batch = TelemetryBatchDecoder.Decode(payload, Batches.DeviceId);
        Assert.Equal(20.0, batch.Readings[0].Values.Single().Value);
        Assert.Empty(batch.Readings[1].Values);
        Assert.Equal(20.05, batch.Readings[2].Values.Single().Value);
    }

    [Fact]
    public void Empty_and_oversized_payloads_are_rejected_before_parsing()
    {
        Assert.Equal(RejectReason.Empty, ReasonFor([]));
        Assert.Equal(RejectReason.TooLarge, ReasonFor(new byte[TelemetryLimits.MaxPayloadBytes + 1]));
    }

    [Theory]
    [InlineData("v")]
    [InlineData("d")]
    [InlineData("e")]
    [InlineData("s")]
    [InlineData("t")]
    [InlineData("dt")]
    [InlineData("c")]
    public void A_missing_field_is_named(string field)
    {
        var e = Assert.Throws<PayloadRejected>(() => TelemetryBatchDecoder.Decode(BatchCbor.Valid().Remove(field).Encode(), Batches.DeviceId));
        Assert.Equal(RejectReason.MissingField, e.Reason);
        Assert.StartsWith(field, e.Detail);
    }

    [Fact]
    public void Versions_other_than_1_and_2_are_unsupported() =>
        Assert.Equal(RejectReason.UnsupportedVersion, ReasonFor(BatchCbor.Valid().Set("v", w => w.WriteInt32(3)).Encode()));

    [Fact]
    public void Version_2_with_version_1s_fields_is_refused() =>
        Assert.Equal(RejectReason.UnknownField, ReasonFor(BatchCbor.Valid().Set("v", w => w.WriteInt32(2)).Encode()));

    [Fact]
    public void Unknown_fields_are_rejected() =>
        Assert.Equal(RejectReason.UnknownField, ReasonFor(BatchCbor.Valid().Set("zz", w => w.WriteInt32(0)).Encode()));

    [Fact]
    public void Wrong_types_are_rejected()
    {
        Assert.Equal(RejectReason.WrongType, ReasonFor(BatchCbor.Valid().Set("e", w => w.WriteTextString("7")).Encode()));
        Assert.Equal(RejectReason.WrongType, ReasonFor(BatchCbor.Valid().Set("s", w => w.WriteInt32(-1)).Encode()));
        Assert.Equal(RejectReason.WrongType, ReasonFor(BatchCbor.Valid().Set("dt", w => w.WriteInt32(0)).Encode()));
        Assert.Equal(RejectReason.WrongType, ReasonFor([0x83, 0x01, 0x02, 0x03])); // an array, not a map
    }

    [Fact]
    public void Channel_lengths_must_match_dt() =>
        Assert.Equal(RejectReason.LengthMismatch, ReasonFor(BatchCbor.Valid(readings: 3).Set("dt", w => BatchCbor.Ints(w, [0, 60])).Encode()));

    [Fact]
    public void More_than_512_readings_are_rejected()
    {
        var payload = BatchCbor.Valid().Set("dt", w => BatchCbor.Ints(w, Enumerable.Repeat(0L, 513))).Encode();
        Assert.Equal(RejectReason.LimitExceeded, ReasonFor(payload));
    }

    [Fact]
    public void More_than_16_channels_are_rejected()
    {
        var payload = BatchCbor.Valid(readings: 1).Set("c", w =>
        {
            w.WriteStartArray(17);
            for (int i = 0; i < 17; i++) BatchCbor.Channel(w, "ch" + i, "V", 0, [1]);
            w.WriteEndArray();
        }).Encode();
        Assert.Equal(RejectReason.LimitExceeded, ReasonFor(payload));
    }

    [Fact]
    public void A_channel_named_twice_is_rejected()
    {
        var payload = BatchCbor.Valid(readings: 1).Set("c", w =>
        {
            w.WriteStartArray(2);
            BatchCbor.Channel(w, "temperature", "Cel", -2, [1]);
            BatchCbor.Channel(w, "temperature", "Cel", -2, [1]);
            w.WriteEndArray();
        }).Encode();
        Assert.Equal(RejectReason.DuplicateField, ReasonFor(payload));
    }

    [Fact]
    public void Running_sum_overflow_is_rejected()
    {
        var payload = BatchCbor.Valid(readings: 2).Set("c", w =>
        {
            w.WriteStartArray(1);
            BatchCbor.Channel(w, "x", "V", 0, [long.MaxValue, 1]);
            w.WriteEndArray();
        }).Encode();
        Assert.Equal(RejectReason.ValueOverflow, ReasonFor(payload));
    }

    [Fact]
    public void Faults_must_name_a_reading_of_the_batch()
    {
        Assert.Equal(RejectReason.InvalidFault, ReasonFor(BatchCbor.Valid().Set("f", w =>
        {
            w.WriteStartArray(1); w.WriteStartArray(2); w.WriteUInt32(99); w.WriteTextString("sensor.timeout"); w.WriteEndArray(); w.WriteEndArray();
        }).Encode()));
        var ok = TelemetryBatchDecoder.Decode(BatchCbor.Valid().Set("f", w =>
        {
            w.WriteStartArray(1); w.WriteStartArray(2); w.WriteUInt32(101); w.WriteTextString("sensor.timeout"); w.WriteEndArray(); w.WriteEndArray();
        }).Encode(), Batches.DeviceId);
        Assert.Equal("sensor.timeout", ok.Readings[1].Fault);
        Assert.Null(ok.Readings[0].Fault);
    }

    [Fact]
    public void Indefinite_lengths_are_refused_but_a_non_shortest_integer_is_read()
    {
        // {"v": 1 written with a one-byte argument}: RFC 8949 strict mode does not require the shortest form, so
        // decoding goes on and stops at the next defect (the missing fields).
        byte[] longForm = [0xA1, 0x61, (byte)'v', 0x18, 0x01];
        Assert.Equal(RejectReason.MissingField, ReasonFor(longForm));
        byte[] indefinite = [0xBF, 0x61, (byte)'v', 0x01, 0xFF];
        Assert.Equal(RejectReason.MalformedCbor, ReasonFor(indefinite));
    }

    [Fact]
    public void Duplicate_keys_violate_strict_cbor()
    {
        var payload = BatchCbor.Valid().Encode();
        // Rename the key "e" (text of length 1: 0x61 'e') to "s", so the map has "s" twice.
        int i = payload.AsSpan().IndexOf([(byte)0x61, (byte)'e']);
        payload[i + 1] = (byte)'s';
        Assert.Equal(RejectReason.MalformedCbor, ReasonFor(payload));
    }

    [Fact]
    public void Trailing_bytes_are_rejected()
    {
        var payload = BatchCbor.Valid().Encode().Append((byte)0x00).ToArray();
        Assert.Contains(ReasonFor(payload), new[] { RejectReason.TrailingData, RejectReason.MalformedCbor });
    }

    [Fact]
    public void A_truncated_batch_is_malformed()
    {
        var payload = BatchCbor.Valid().Encode();
        Assert.Equal(RejectReason.MalformedCbor, ReasonFor(payload[..^3]));
    }

    [Fact]
    public void An_invalid_device_id_is_rejected() =>
        Assert.Equal(RejectReason.InvalidDeviceId, ReasonFor(BatchCbor.Valid(device: "nodes/+/x").Encode()));

    [Fact]
    public void Invalid_utf8_text_is_malformed()
    {
        byte[] payload = [0xA1, 0x61, (byte)'d', 0x62, 0xC3, 0x28]; // {"d": text(2) holding an invalid UTF-8 sequence}
        Assert.Equal(RejectReason.MalformedCbor, ReasonFor(payload));
    }
}
