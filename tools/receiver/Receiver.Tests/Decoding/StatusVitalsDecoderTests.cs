using System.Formats.Cbor;
using NodeFirmware.Core.Telemetry;
using NodeFirmware.Receiver.Decoding;

namespace NodeFirmware.Receiver.Tests.Decoding;

/// <summary>The vitals of the status message: the firmware's encoding decodes, and every malformed vital is refused with its reason.</summary>
public class StatusVitalsDecoderTests
{
    public static NodeStatus WithEveryVital() => new()
    {
        State = "sleeping", FirmwareVersion = "1.2.0", Epoch = 7, BatteryMillivolts = 3870, ConfigRevision = 3, SleepUntil = 1_764_000_600,
        Boots = 5, Brownouts = 1, Watchdogs = 2, Panics = 1, UptimeSeconds = 86_400, Reconnects = 3, HeapLowWater = 81_920,
        WakeToPublish = [2410, 1750, -1, -1, 120, 540],
    };

    [Fact]
    public void The_firmwares_vitals_decode()
    {
        var v = StatusDecoder.Decode(StatusEncoder.Encode(WithEveryVital())).Vitals!;
        Assert.Equal(new DeviceVitals(5, 1, 2, 1, 86_400, 3, 81_920, new WakeToPublish(2410, 1750, null, null, 120, 540)), v);
        Assert.Equal(4, v.Crashes);
    }

    [Fact]
    public void A_status_without_vitals_means_their_usual_values()
    {
        var v = StatusDecoder.Decode(StatusEncoder.Encode(new NodeStatus { State = "online", FirmwareVersion = "1.0.0" })).Vitals!;
        Assert.Equal(new DeviceVitals(), v);
        Assert.Equal(1, v.Boots);
        Assert.Null(v.UptimeSeconds);
        Assert.Null(v.WakeToPublish);
        Assert.Null(v.Reconnects);
    }

    [Fact]
    public void Reconnects_sent_as_0_read_0_and_left_out_read_unknown()
    {
        var hourly = new NodeStatus { State = "sleeping", FirmwareVersion = "1.3.0", UptimeSeconds = 60, Reconnects = 0, HeapLowWater = 90_000 };
        Assert.Equal(0L, StatusDecoder.Decode(StatusEncoder.Encode(hourly)).Vitals!.Reconnects);
        hourly.Reconnects = -1; // as older firmware sent the hourly vitals with no reconnect yet: unknown, not 0
        var old = StatusDecoder.Decode(StatusEncoder.Encode(hourly)).Vitals!;
        Assert.Equal(((long?)null, (long?)60, (long?)90_000), (old.Reconnects, old.UptimeSeconds, old.HeapLowWaterBytes));
    }

    [Theory]
    [InlineData("rst", "short", RejectReason.InvalidStatus)]
    [InlineData("rst", "negative", RejectReason.WrongType)]
    [InlineData("rst", "text", RejectReason.WrongType)]
    [InlineData("w2p", "short", RejectReason.InvalidStatus)]
    [InlineData("w2p", "below -1", RejectReason.OutOfRange)]
    [InlineData("w2p", "a day and more", RejectReason.OutOfRange)]
    [InlineData("w2p", "total unknown", RejectReason.InvalidStatus)]
    [InlineData("boots", "negative", RejectReason.WrongType)]
    [InlineData("boots", "huge", RejectReason.ValueOverflow)]
    [InlineData("up", "text", RejectReason.WrongType)]
    [InlineData("heap", "huge", RejectReason.ValueOverflow)]
    [InlineData("rc", "array", RejectReason.WrongType)]
    [InlineData("pending", "negative", RejectReason.WrongType)]
    [InlineData("pending", "huge", RejectReason.ValueOverflow)]
    public void A_malformed_vital_is_refused_with_its_reason(string key, string how, RejectReason reason)
    {
        var e = Assert.Throws<PayloadRejected>(() => StatusDecoder.Decode(StatusWith(key, how)));
        Assert.Equal(reason, e.Reason);
        Assert.Contains(key, e.Message);
    }

    [Fact]
    public void The_journal_backlog_decodes_and_an_absent_one_is_0()
    {
        var status = WithEveryVital();
        status.Pending = 412;
        Assert.Equal(412L, StatusDecoder.Decode(StatusEncoder.Encode(status)).Pending);
        status.Pending = 0;
        Assert.Equal(0L, StatusDecoder.Decode(StatusEncoder.Encode(status)).Pending);
    }

    [Fact]
    public void Every_truncation_of_a_status_with_vitals_is_refused()
    {
        byte[] full = StatusEncoder.Encode(WithEveryVital());
        for (int n = 1; n < full.Length; n++)
            Assert.Throws<PayloadRejected>(() => StatusDecoder.Decode(full.AsMemory(0, n)));
    }

    [Fact]
    public void An_oversized_status_is_refused_before_it_is_parsed()
    {
        var e = Assert.Throws<PayloadRejected>(() => StatusDecoder.Decode(new byte[StatusDecoder.MaxPayloadBytes + 1]));
        Assert.Equal(RejectReason.TooLarge, e.Reason);
    }

    /// <summary>A valid sleeping status whose vital <paramref name="key"/> is written the bad way <paramref name="how"/>.</summary>
    private static byte[] StatusWith(string key, string how)
    {
        var w = new CborWriter(CborConformanceMode.Strict);
        w.WriteStartMap(3);
        w.WriteTextString("v"); w.WriteInt32(1);
        w.WriteTextString("state"); w.WriteTextString("online");
        w.WriteTextString(key);
        switch (how)
        {
            case "short":
                w.WriteStartArray(2); w.WriteInt32(1); w.WriteInt32(1); w.WriteEndArray();
                break;
            case "negative":
                if (key == "rst") { w.WriteStartArray(3); w.WriteInt32(0); w.WriteInt32(-1); w.WriteInt32(0); w.WriteEndArray(); }
                else w.WriteInt32(-3);
                break;
            case "text":
                w.WriteTextString("3");
                break;
            case "huge":
                w.WriteUInt64(ulong.MaxValue);
                break;
            case "below -1":
            case "a day and more":
            case "total unknown":
                long bad = how == "below -1" ? -2 : how == "a day and more" ? 86_400_001 : 0;
                w.WriteStartArray(6);
                for (int i = 0; i < 6; i++) w.WriteInt64(how == "total unknown" && i == 0 ? -1 : i == 3 ? bad : 100);
                w.WriteEndArray();
                break;
            case "array":
                w.WriteStartArray(1); w.WriteInt32(1); w.WriteEndArray();
                break;
        }
        w.WriteEndMap();
        return w.Encode();
    }
}
