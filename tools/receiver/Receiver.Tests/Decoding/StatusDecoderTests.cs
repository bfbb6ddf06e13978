using System.Formats.Cbor;
using NodeFirmware.Core.Telemetry;
using NodeFirmware.Receiver.Decoding;

namespace NodeFirmware.Receiver.Tests.Decoding;

public class StatusDecoderTests
{
    [Fact]
    public void The_firmware_status_decodes()
    {
        var payload = StatusEncoder.Encode(new NodeStatus
        {
            State = "online", FirmwareVersion = "1.4.0", Slot = "B", Trial = true, Epoch = 7, Wake = "timer",
            BatteryMillivolts = 3912, PowerMode = "normal", Pending = 3, Dropped = 1, ConfigRevision = 5,
        });
        var s = StatusDecoder.Decode(payload);
        Assert.Equal("online", s.State);
        Assert.Equal("1.4.0", s.Firmware);
        Assert.Equal("B", s.Slot);
        Assert.True(s.Trial);
        Assert.Equal(7, s.Epoch);
        Assert.Equal("timer", s.Wake);
        Assert.Equal(3912, s.BatteryMillivolts);
        Assert.Equal(3, s.Pending);
        Assert.Equal(1, s.Dropped);
        Assert.Equal(5, s.ConfigRevision);
    }

    [Fact]
    public void The_sleeping_status_carries_its_wake_time()
    {
        var s = StatusDecoder.Decode(StatusEncoder.Encode(new NodeStatus { State = "sleeping", SleepUntil = 1_750_000_000 }));
        Assert.Equal("sleeping", s.State);
        Assert.Equal(1_750_000_000, s.SleepUntil);
        Assert.Null(s.BatteryMillivolts); // -1: the board cannot measure it
    }

    [Fact]
    public void The_last_will_decodes_as_offline()
    {
        var s = StatusDecoder.Decode(StatusEncoder.Offline());
        Assert.Equal("offline", s.State);
        Assert.Null(s.Firmware);
        Assert.Null(s.Wake); // the broker's will says nothing of a wake
        Assert.Equal(RejectReason.InvalidStatus, Assert.Throws<PayloadRejected>(() => StatusDecoder.Decode(new byte[] { 0x62, (byte)'o', (byte)'k' })).Reason);
    }

    [Fact]
    public void Absent_optional_fields_mean_their_usual_value()
    {
        var s = StatusDecoder.Decode(StatusEncoder.Encode(new NodeStatus { State = "online", FirmwareVersion = "1.0.0" }));
        Assert.False(s.Trial);
        Assert.Equal("normal", s.PowerMode);
        Assert.Equal(0, s.Pending);
        Assert.Equal(0, s.Dropped);
    }

    [Fact]
    public void A_timer_wake_is_left_out_by_the_firmware_and_read_back_as_timer_and_others_are_sent()
    {
        byte[] report = StatusEncoder.Encode(new NodeStatus { State = "sleeping", FirmwareVersion = "1.0.0", Wake = "timer", SleepUntil = 1_750_000_900 });
        var keys = new List<string>();
        var r = new CborReader(report);
        for (int i = r.ReadStartMap()!.Value; i > 0; i--) { keys.Add(r.ReadTextString()); r.SkipValue(); }
        Assert.DoesNotContain("wake", keys);
        Assert.Equal("timer", StatusDecoder.Decode(report).Wake);
        foreach (string cause in new[] { "power-on", "reset", "pin", "watchdog", "brownout", "panic", "unknown" })
            Assert.Equal(cause, StatusDecoder.Decode(StatusEncoder.Encode(new NodeStatus { State = "online", Wake = cause })).Wake);
    }

    [Fact]
    public void Unknown_fields_are_skipped_but_known_ones_must_have_their_type()
    {
        var w = new CborWriter();
        w.WriteStartMap(3);
        w.WriteTextString("v"); w.WriteInt32(1);
        w.WriteTextString("state"); w.WriteTextString("online");
        w.WriteTextString("future"); w.WriteStartArray(1); w.WriteStartMap(0); w.WriteEndMap(); w.WriteEndArray();
        w.WriteEndMap();
        Assert.Equal("online", StatusDecoder.Decode(w.Encode()).State);

        var bad = new CborWriter();
        bad.WriteStartMap(2);
        bad.WriteTextString("v"); bad.WriteInt32(1);
        bad.WriteTextString("state"); bad.WriteInt32(1);
        bad.WriteEndMap();
        Assert.Equal(RejectReason.WrongType, Assert.Throws<PayloadRejected>(() => StatusDecoder.Decode(bad.Encode())).Reason);
    }

    [Fact]
    public void An_unknown_state_or_version_is_rejected()
    {
        var w = new CborWriter();
        w.WriteStartMap(2);
        w.WriteTextString("v"); w.WriteInt32(1);
        w.WriteTextString("state"); w.WriteTextString("exploded");
        w.WriteEndMap();
        Assert.Equal(RejectReason.InvalidStatus, Assert.Throws<PayloadRejected>(() => StatusDecoder.Decode(w.Encode())).Reason);

        var v2 = new CborWriter();
        v2.WriteStartMap(2);
        v2.WriteTextString("v"); v2.WriteInt32(2);
        v2.WriteTextString("state"); v2.WriteTextString("online");
        v2.WriteEndMap();
        Assert.Equal(RejectReason.UnsupportedVersion, Assert.Throws<PayloadRejected>(() => StatusDecoder.Decode(v2.Encode())).Reason);
    }
}
