using System.Formats.Cbor;
using NodeFirmware.Core.Config;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Node;
using NodeFirmware.Core.Telemetry;
using NodeFirmware.Core.Tests.Support;

namespace NodeFirmware.Core.Tests.Node;

/// <summary>
/// ack_ms &gt; 0: a batch stays in the journal until the receiver acknowledges it on nodes/{id}/telemetry/ack, not on
/// the broker's PUBACK. The harness is a broker that PUBACKs everything and a receiver that acknowledges each batch it
/// sees (at the node's next listen) unless it is away, or the broker lost the batch before it got there.
/// </summary>
public class NodeAppReceiverAckTests
{
    private const string Id = "esp32-00aa00bb00cc";
    private const string AckTopic = "nodes/" + Id + "/telemetry/ack";

    private sealed class Harness
    {
        public readonly ManualClock Clock = new();
        public readonly NorFlash Flash = new(16 * 4096, 4096);
        public readonly ScriptedSensor Sensor = new();
        public readonly FixedBattery Battery = new();
        public readonly Random Random = new(5);
        public readonly List<(uint Epoch, uint First, int Count)> Batches = new();
        public readonly List<byte[]> AcksDue = new();
        public readonly List<int> ListenedPerConnection = new();
        public readonly List<int> UnackedPerConnection = new();
        public DeviceConfig Defaults = new() { AckWaitMilliseconds = 10_000 };
        public bool ReceiverUp = true;
        public int Connects, Boots;
        public NodeApp App = null!;
        public string[] Subscriptions = [];

        public void BootNode(WakeCause cause)
        {
            Boots++;
            Clock.BootMillis = Clock.UnixTimeMillis;
            App = new NodeApp(new NodePlatform(Clock, Flash, Sensor, Battery, Random), new NodeIdentity(Id, "1.0.0", "A", false), Defaults);
            App.Boot(cause);
        }

        public void RunUntil(long untilUnixMillis)
        {
            if (App == null) BootNode(WakeCause.PowerOn);
            int unacked = 0;
            while (Clock.UnixTimeMillis < untilUnixMillis)
            {
                var r = App.Next();
                switch (r.Kind)
                {
                    case HostRequestKind.Connect:
                        Clock.Advance(1500);
                        Connects++;
                        Subscriptions = r.Subscriptions;
                        ListenedPerConnection.Add(0);
                        UnackedPerConnection.Add(0);
                        unacked = 0;
                        App.OnConnected();
                        break;
                    case HostRequestKind.Publish:
                        foreach (var m in r.Messages)
                        {
                            Clock.Advance(20);
                            App.OnPublishAcked(m.Token);
                            if (!m.Topic.EndsWith("/telemetry")) continue;
                            var head = Head(m.Payload);
                            Batches.Add(head);
                            unacked++;
                            UnackedPerConnection[^1] = Math.Max(UnackedPerConnection[^1], unacked);
                            if (ReceiverUp) AcksDue.Add(TelemetryAck.Encode(head.Epoch, head.First, head.Count));
                        }
                        break;
                    case HostRequestKind.Listen:
                        Clock.Advance(r.ListenMilliseconds);
                        ListenedPerConnection[^1] += r.ListenMilliseconds;
                        foreach (var ack in AcksDue) { App.OnMessage(AckTopic, ack); unacked--; }
                        AcksDue.Clear();
                        break;
                    case HostRequestKind.Sleep:
                        Clock.Advance(r.SleepMilliseconds);
                        if (r.DeepSleep) BootNode(WakeCause.DeepSleepTimer); // acks not yet delivered wait in the session
                        break;
                }
            }
        }

        /// <summary>Every (epoch, sequence) published, with repeats.</summary>
        public List<(uint, uint)> Keys() => Batches.SelectMany(b => Enumerable.Range(0, b.Count).Select(k => (b.Epoch, b.First + (uint)k))).ToList();
    }

    private static (uint Epoch, uint First, int Count) Head(byte[] payload)
    {
        var r = new CborReader(payload);
        int n = r.ReadStartMap() ?? 0;
        uint epoch = 0, first = 0;
        int count = 0;
        for (int i = 0; i < n; i++)
        {
            switch (r.ReadTextString())
            {
                case "e": epoch = (uint)r.ReadUInt64(); break;
                case "s": first = (uint)r.ReadUInt64(); break;
                case "dt": count = r.ReadStartArray() ?? 0; for (int k = 0; k < count; k++) r.ReadInt64(); r.ReadEndArray(); break;
                case "n": count = (int)r.ReadUInt64(); break; // version 2
                default: r.SkipValue(); break;
            }
        }
        return (epoch, first, count);
    }

    [Fact]
    public void The_node_subscribes_to_its_acknowledgements_in_either_mode()
    {
        foreach (int ackMs in new[] { 0, 10_000 })
        {
            var h = new Harness { Defaults = new DeviceConfig { AckWaitMilliseconds = ackMs } };
            h.RunUntil(h.Clock.UnixTimeMillis + 20 * 60_000L);
            Assert.Contains(AckTopic, h.Subscriptions);
        }
    }

    [Fact]
    public void A_PUBACKed_batch_stays_in_the_journal_until_the_receiver_acknowledges_it()
    {
        var h = new Harness { ReceiverUp = false };
        long start = h.Clock.UnixTimeMillis;
        h.RunUntil(start + 16 * 60_000L);
        Assert.NotEmpty(h.Batches);
        Assert.Equal(0u, h.App.Journal.ReleasedThrough);
        int pending = h.App.Journal.PendingCount;
        Assert.True(pending >= h.Batches[0].Count);

        var first = h.Batches[0];
        h.App.OnMessage(AckTopic, TelemetryAck.Encode(first.Epoch, first.First, first.Count));
        Assert.Equal(first.First + (uint)first.Count - 1, h.App.Journal.ReleasedThrough);
        Assert.Equal(pending - first.Count, h.App.Journal.PendingCount);
    }

    [Fact]
    public void A_day_with_the_receiver_sends_each_reading_once_and_its_acknowledgement_ends_the_listen_window()
    {
        var h = new Harness();
        long start = h.Clock.UnixTimeMillis;
        h.RunUntil(start + 24 * 3600_000L);
        var keys = h.Keys();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.InRange(keys.Count, h.Sensor.Measurements - 15, h.Sensor.Measurements);
        Assert.All(h.ListenedPerConnection, ms => Assert.Equal(NodeApp.AckListenSliceMilliseconds, ms));
        Assert.InRange(h.App.Journal.PendingCount, 0, 15);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10_000)]
    public void The_acknowledgement_ends_the_window_in_either_mode_and_without_it_the_node_listens_the_whole_window(int ackMs)
    {
        var up = new Harness { Defaults = new DeviceConfig { AckWaitMilliseconds = ackMs } };
        up.RunUntil(up.Clock.UnixTimeMillis + 2 * 3600_000L);
        Assert.All(up.ListenedPerConnection, ms => Assert.Equal(NodeApp.AckListenSliceMilliseconds, ms));

        var away = new Harness { ReceiverUp = false, Defaults = new DeviceConfig { AckWaitMilliseconds = 0 } };
        away.RunUntil(away.Clock.UnixTimeMillis + 2 * 3600_000L);
        Assert.NotEmpty(away.ListenedPerConnection);
        Assert.All(away.ListenedPerConnection, ms => Assert.Equal(away.Defaults.ListenWindowMilliseconds, ms));
    }

    [Fact]
    public void An_acknowledgement_for_another_epoch_or_batch_does_not_end_the_window()
    {
        var h = new Harness { ReceiverUp = false, Defaults = new DeviceConfig { AckWaitMilliseconds = 0 } };
        h.RunUntil(h.Clock.UnixTimeMillis + 3600_000L);
        h.AcksDue.Add(TelemetryAck.Encode(99, 1, 15));
        h.AcksDue.Add(TelemetryAck.Encode(h.Batches[^1].Epoch, h.Batches[^1].First + 1, h.Batches[^1].Count));
        h.RunUntil(h.Clock.UnixTimeMillis + 3600_000L);
        Assert.All(h.ListenedPerConnection, ms => Assert.Equal(h.Defaults.ListenWindowMilliseconds, ms));
    }

    [Fact]
    public void Batches_the_broker_lost_are_sent_again_with_the_same_keys_and_stored_once_after_the_receiver_returns()
    {
        var h = new Harness();
        long start = h.Clock.UnixTimeMillis;
        h.RunUntil(start + 3600_000L);
        h.ReceiverUp = false; // PUBACKed, never acknowledged: as if the broker died before saving them
        h.RunUntil(start + 3 * 3600_000L);
        uint releasedDuring = h.App.Journal.ReleasedThrough;
        h.ReceiverUp = true;
        h.RunUntil(start + 8 * 3600_000L);

        var keys = h.Keys();
        var distinct = keys.Distinct().OrderBy(k => k.Item2).ToList();
        Assert.True(keys.Count > distinct.Count, "nothing was sent a second time");
        // Every reading sampled was published, under the one key it was given; none is missing.
        Assert.Equal(Enumerable.Range(1, distinct.Count).Select(i => (uint)i), distinct.Select(k => k.Item2));
        Assert.InRange(distinct.Count, h.Sensor.Measurements - 15, h.Sensor.Measurements);
        Assert.True(h.App.Journal.ReleasedThrough > releasedDuring);
        Assert.InRange(h.App.Journal.PendingCount, 0, 15);
        Assert.Equal(0u, h.App.Journal.DroppedTotal);
    }

    [Fact]
    public void Waiting_for_acknowledgements_is_bounded_per_connection_and_backs_off_without_them()
    {
        var h = new Harness { ReceiverUp = false, Defaults = new DeviceConfig { AckWaitMilliseconds = 4000, MaxBatchReadings = 5 } };
        long start = h.Clock.UnixTimeMillis;
        h.RunUntil(start + 6 * 3600_000L);
        Assert.All(h.ListenedPerConnection, ms => Assert.InRange(ms, 1, Math.Max(h.Defaults.ListenWindowMilliseconds, h.Defaults.AckWaitMilliseconds)));
        // The receiver never answers: one batch per connection, never more.
        Assert.All(h.UnackedPerConnection, n => Assert.InRange(n, 0, 1));
        // Back-off (30 s doubling to an hour) instead of a connection after every sample (360) or every report (24).
        Assert.InRange(h.Connects, 3, 18);
        Assert.True(h.App.Journal.ConsecutiveLinkFailures > 0);
    }

    [Fact]
    public void Acknowledgements_queued_while_the_node_slept_release_its_batches_at_the_next_wake_without_a_resend()
    {
        var h = new Harness();
        long start = h.Clock.UnixTimeMillis;
        h.RunUntil(start + 16 * 60_000L);
        // Withhold the acks of the next flush until after the node went to sleep and booted again.
        h.ReceiverUp = false;
        h.RunUntil(start + 31 * 60_000L);
        var late = h.Batches.Last();
        Assert.True(h.App.Journal.ReleasedThrough < late.First);
        h.ReceiverUp = true;
        h.App = null!;
        h.BootNode(WakeCause.DeepSleepTimer); // RAM lost: the node no longer knows what it sent
        h.App.OnMessage(AckTopic, TelemetryAck.Encode(late.Epoch, late.First, late.Count));
        Assert.Equal(late.First + (uint)late.Count - 1, h.App.Journal.ReleasedThrough);
    }

    [Fact]
    public void An_ack_for_an_unknown_batch_changes_nothing()
    {
        var h = new Harness { ReceiverUp = false };
        h.RunUntil(h.Clock.UnixTimeMillis + 46 * 60_000L);
        var j = h.App.Journal;
        Assert.True(j.PendingCount > 20);
        uint released = j.ReleasedThrough, front = released + 1;
        int pending = j.PendingCount;
        byte[][] unknown =
        [
            TelemetryAck.Encode(j.Epoch ^ 1, front, 5),                      // another epoch
            TelemetryAck.Encode(j.Epoch, j.NextSequence, 1),                 // never stored
            TelemetryAck.Encode(j.Epoch, j.NextSequence - 3, 10),            // reaches past what is stored
            TelemetryAck.Encode(j.Epoch, front + 3, 2),                      // not at the front, not a batch it sent
            TelemetryAck.Encode(j.Epoch, 0xFFFFFFF0, 100),                   // wraps around
            [0xA4, 0x61, 0x76, 0x02, 0x61, 0x65, 0x01, 0x61, 0x73, 0x01, 0x61, 0x6E, 0x01], // version 2
            [0xA1, 0x61, 0x76],                                              // truncated
            new byte[TelemetryAck.MaxSize + 1],
        ];
        foreach (var ack in unknown) h.App.OnMessage(AckTopic, ack);
        Assert.Equal(released, j.ReleasedThrough);
        Assert.Equal(pending, j.PendingCount);
    }

    [Fact]
    public void An_ack_for_a_later_batch_waits_for_the_earlier_one()
    {
        var h = new Harness { ReceiverUp = false, Defaults = new DeviceConfig { AckWaitMilliseconds = 10_000, MaxBatchReadings = 5 } };
        h.Battery.Millivolts = 3200; // critical: no radio, the readings pile up
        long start = h.Clock.UnixTimeMillis;
        h.RunUntil(start + 8 * 3600_000L);
        Assert.Equal(0, h.Connects);
        h.Battery.Millivolts = 4000;
        // Drive one connection by hand: one batch until the receiver answered, then up to four, then it listens.
        var app = h.App;
        var sent = new List<(uint Epoch, uint First, int Count)>();
        void SendUntilListen()
        {
            for (int step = 0; step < 20; step++)
            {
                var r = app.Next();
                if (r.Kind == HostRequestKind.Connect) app.OnConnected();
                else if (r.Kind == HostRequestKind.Publish)
                    foreach (var m in r.Messages) { app.OnPublishAcked(m.Token); if (m.Topic.EndsWith("/telemetry")) sent.Add(Head(m.Payload)); }
                else return;
            }
        }
        SendUntilListen();
        Assert.Single(sent);
        app.OnMessage(AckTopic, TelemetryAck.Encode(sent[0].Epoch, sent[0].First, sent[0].Count));
        Assert.Equal(sent[0].First + (uint)sent[0].Count - 1, app.Journal.ReleasedThrough);
        SendUntilListen();
        Assert.Equal(1 + NodeApp.MaxUnackedBatches, sent.Count);
        uint before = app.Journal.ReleasedThrough;
        app.OnMessage(AckTopic, TelemetryAck.Encode(sent[2].Epoch, sent[2].First, sent[2].Count));
        Assert.Equal(before, app.Journal.ReleasedThrough);
        app.OnMessage(AckTopic, TelemetryAck.Encode(sent[1].Epoch, sent[1].First, sent[1].Count));
        Assert.Equal(sent[2].First + (uint)sent[2].Count - 1, app.Journal.ReleasedThrough);
    }

    [Theory]
    [InlineData(0u, 1u, 1)]
    [InlineData(0xFFFFFFFFu, 0xFFFFFFFFu, 512)]
    public void The_ack_round_trips(uint epoch, uint first, int count)
    {
        Assert.True(TelemetryAck.TryDecode(TelemetryAck.Encode(epoch, first, count), out var e, out var s, out var n, out var error), error);
        Assert.Equal((epoch, first, count), (e, s, n));
    }

    [Theory]
    [InlineData("a4617601616501617301616e00", "count")]           // n = 0
    [InlineData("a4617601616501617301616e190201", "count")]       // n = 513
    [InlineData("a3617601616501617301", "without")]               // no n
    [InlineData("a4617601616501616501616e01", "duplicate")]       // e twice
    [InlineData("a4617601616501617301617801", "unknown key")]     // x instead of n
    [InlineData("a4617601616520617301616e01", "negative")]        // e = -1
    [InlineData("a4617601616501617301616e0100", "trailing")]      // a byte after the map
    public void A_malformed_ack_is_refused_with_a_reason(string hex, string reason)
    {
        Assert.False(TelemetryAck.TryDecode(Convert.FromHexString(hex), out _, out _, out _, out var error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Truncated_oversized_and_random_acks_are_refused_without_throwing()
    {
        byte[] good = TelemetryAck.Encode(7, 1000, 12);
        for (int length = 0; length < good.Length; length++)
            Assert.False(TelemetryAck.TryDecode(good[..length], out _, out _, out _, out var cut), $"a {length}-byte cut was accepted");
        Assert.False(TelemetryAck.TryDecode(new byte[TelemetryAck.MaxSize + 1], out _, out _, out _, out var big));
        Assert.Contains("over", big);
        var random = new Random(20261202);
        for (int i = 0; i < 2000; i++)
        {
            var junk = new byte[random.Next(0, TelemetryAck.MaxSize + 1)];
            random.NextBytes(junk);
            if (junk.Length > 0 && i % 2 == 0) junk[0] = 0xA4; // a map of four, so decoding goes further in
            if (!TelemetryAck.TryDecode(junk, out _, out _, out var n, out var error)) Assert.False(string.IsNullOrEmpty(error));
            else Assert.InRange(n, 1, 512);
        }
    }
}
