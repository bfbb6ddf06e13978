using System.Formats.Cbor;
using NodeFirmware.Core.Config;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Node;
using NodeFirmware.Core.Tests.Support;

namespace NodeFirmware.Core.Tests.Node;

/// <summary>
/// Drives NodeApp the way a host does, against an in-memory broker that records what was published,
/// to check the host contract: sampling cadence, batching, release after PUBACK, back-off in outages.
/// </summary>
public class NodeAppHostTests
{
    private sealed class Harness
    {
        public readonly ManualClock Clock = new();
        public readonly NorFlash Flash = new(16 * 4096, 4096);
        public readonly ScriptedSensor Sensor = new();
        public readonly FixedBattery Battery = new();
        public readonly Random Random = new(5);
        public readonly List<(string Topic, byte[] Payload, bool Retain)> Published = new();
        public readonly Dictionary<string, byte[]> Retained = new();
        public bool BrokerUp = true;
        public int Boots;
        public int Connects;
        public NodeApp App = null!;
        public DeviceConfig Defaults = new();

        public void BootNode(WakeCause cause)
        {
            Boots++;
            Clock.BootMillis = Clock.UnixTimeMillis;
            var platform = new NodePlatform(Clock, Flash, Sensor, Battery, Random);
            App = new NodeApp(platform, new NodeIdentity("esp32-00aa00bb00cc", "1.0.0", "A", false), Defaults);
            App.Boot(cause);
        }

        /// <summary>Runs the host loop until virtual time passes <paramref name="until"/>.</summary>
        public void RunUntil(long untilUnixMillis)
        {
            if (App == null) BootNode(WakeCause.PowerOn);
            while (Clock.UnixTimeMillis < untilUnixMillis)
            {
                var r = App.Next();
                switch (r.Kind)
                {
                    case HostRequestKind.Connect:
                        Clock.Advance(1500);
                        if (BrokerUp) { Connects++; App.OnConnected(); foreach (var s in r.Subscriptions) if (Retained.TryGetValue(s, out var p)) App.OnMessage(s, p); }
                        else App.OnConnectFailed("unreachable");
                        break;
                    case HostRequestKind.Publish:
                        foreach (var m in r.Messages)
                        {
                            Clock.Advance(20);
                            if (!BrokerUp) { App.OnLinkLost("gone"); break; }
                            Published.Add((m.Topic, m.Payload, m.Retain));
                            App.OnPublishAcked(m.Token);
                        }
                        break;
                    case HostRequestKind.Listen:
                        Clock.Advance(r.ListenMilliseconds);
                        break;
                    case HostRequestKind.Disconnect:
                        break;
                    case HostRequestKind.Sleep:
                        Clock.Advance(r.SleepMilliseconds);
                        if (r.DeepSleep) BootNode(WakeCause.DeepSleepTimer);
                        break;
                }
            }
        }

        public List<(uint Epoch, long Seq)> TelemetryKeys()
        {
            var keys = new List<(uint, long)>();
            foreach (var (topic, payload, _) in Published.Where(p => p.Topic.EndsWith("/telemetry")))
            {
                var r = new CborReader(payload);
                int n = r.ReadStartMap() ?? 0;
                uint epoch = 0; long seq = 0; int count = 0;
                for (int i = 0; i < n; i++)
                {
                    string key = r.ReadTextString();
                    switch (key)
                    {
                        case "e": epoch = (uint)r.ReadUInt64(); break;
                        case "s": seq = (long)r.ReadUInt64(); break;
                        case "dt": count = r.ReadStartArray() ?? 0; for (int k = 0; k < count; k++) r.ReadInt64(); r.ReadEndArray(); break;
                        case "n": count = (int)r.ReadUInt64(); break; // version 2
                        default: r.SkipValue(); break;
                    }
                }
                for (int k = 0; k < count; k++) keys.Add((epoch, seq + k));
            }
            return keys;
        }
    }

    [Fact]
    public void A_day_at_reference_settings_delivers_every_reading_once_in_batches()
    {
        var h = new Harness();
        long start = h.Clock.UnixTimeMillis;
        h.RunUntil(start + 24 * 3600_000L);
        var keys = h.TelemetryKeys();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.InRange(h.Sensor.Measurements, 1439, 1441);
        Assert.InRange(keys.Count, h.Sensor.Measurements - 15, h.Sensor.Measurements);
        Assert.InRange(h.Connects, 94, 98); // one connection per 15 minutes
        Assert.True(h.Boots > 1400, "deep sleep between samples");
        Assert.Equal(keys.Select(k => k.Seq).OrderBy(s => s), Enumerable.Range(1, keys.Count).Select(i => (long)i));
    }

    [Fact]
    public void A_six_hour_outage_loses_nothing_and_backs_off()
    {
        var h = new Harness();
        long start = h.Clock.UnixTimeMillis;
        h.RunUntil(start + 3600_000L);
        h.BrokerUp = false;
        int connectsBefore = h.Connects;
        h.RunUntil(start + 7 * 3600_000L);
        h.BrokerUp = true;
        h.RunUntil(start + 9 * 3600_000L);
        var keys = h.TelemetryKeys();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.InRange(keys.Count, h.Sensor.Measurements - 15, h.Sensor.Measurements);
        Assert.Equal(0, (int)h.App.Journal.DroppedTotal);
    }

    [Fact]
    public void In_light_sleep_an_outage_loses_nothing_and_the_node_reconnects_after_it()
    {
        // Sampling every minute below the deep-sleep break-even: the application stays up between samples.
        var h = new Harness { Defaults = new DeviceConfig { LightSleepBelowSeconds = 92 } };
        long start = h.Clock.UnixTimeMillis;
        h.RunUntil(start + 3600_000L);
        h.BrokerUp = false;
        h.RunUntil(start + 7 * 3600_000L);
        h.BrokerUp = true;
        h.RunUntil(start + 9 * 3600_000L);
        var keys = h.TelemetryKeys();
        Assert.Equal(1, h.Boots);
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.InRange(keys.Count, h.Sensor.Measurements - 15, h.Sensor.Measurements);
    }

    [Fact]
    public void A_remote_config_is_applied_persisted_and_reported_and_a_bad_one_refused()
    {
        var h = new Harness();
        var good = new CborWriter();
        good.WriteStartMap(3); good.WriteTextString("rev"); good.WriteInt32(7); good.WriteTextString("sample_s"); good.WriteInt32(120); good.WriteTextString("report_s"); good.WriteInt32(1800); good.WriteEndMap();
        h.Retained["nodes/esp32-00aa00bb00cc/config"] = good.Encode();
        long start = h.Clock.UnixTimeMillis;
        h.RunUntil(start + 2 * 3600_000L);
        Assert.Equal(120, h.App.Config.SampleIntervalSeconds);
        Assert.Equal(7u, h.App.Config.Revision);
        Assert.Contains(h.Published, p => p.Topic.EndsWith("/config/reported"));

        var bad = new CborWriter();
        bad.WriteStartMap(2); bad.WriteTextString("rev"); bad.WriteInt32(8); bad.WriteTextString("sample_s"); bad.WriteInt32(0); bad.WriteEndMap();
        h.Retained["nodes/esp32-00aa00bb00cc/config"] = bad.Encode();
        h.Published.Clear();
        h.RunUntil(start + 3 * 3600_000L);
        Assert.Equal(120, h.App.Config.SampleIntervalSeconds);
        var report = h.Published.Last(p => p.Topic.EndsWith("/config/reported"));
        var r = new CborReader(report.Payload);
        r.ReadStartMap(); Assert.Equal("ok", r.ReadTextString()); Assert.False(r.ReadBoolean());
        Assert.Equal("err", r.ReadTextString()); Assert.Contains("sample_s", r.ReadTextString());
    }

    [Fact]
    public void A_failing_sensor_becomes_fault_telemetry_not_a_crash()
    {
        var h = new Harness();
        h.Sensor.FailWith = "sensor.absent";
        long start = h.Clock.UnixTimeMillis;
        h.RunUntil(start + 20 * 60_000L);
        var batch = h.Published.First(p => p.Topic.EndsWith("/telemetry")).Payload;
        var r = new CborReader(batch);
        int n = r.ReadStartMap() ?? 0;
        bool sawFault = false;
        for (int i = 0; i < n; i++)
        {
            if (r.ReadTextString() == "f")
            {
                r.ReadStartArray(); r.ReadStartArray(); r.ReadUInt64(); Assert.Equal("sensor.absent", r.ReadTextString());
                sawFault = true;
                break;
            }
            r.SkipValue();
        }
        Assert.True(sawFault);
    }

    [Fact]
    public void Critical_battery_keeps_the_radio_off_and_the_readings_in_the_journal()
    {
        var h = new Harness();
        h.Battery.Millivolts = 3200;
        long start = h.Clock.UnixTimeMillis;
        h.RunUntil(start + 6 * 3600_000L);
        Assert.Equal(0, h.Connects);
        Assert.True(h.App.Journal.PendingCount > 0);
        Assert.True(h.Sensor.Measurements < 6 * 60 / 4, "sampling is stretched in critical mode");
    }
}
