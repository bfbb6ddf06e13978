using System;
using System.Collections;
using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Config;
using NodeFirmware.Core.Crypto;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Link;
using NodeFirmware.Core.Node;
using NodeFirmware.Core.Telemetry;
using NodeFirmware.Core.Util;

namespace NodeFirmware.Core.Vectors.Checks
{
    /// <summary>
    /// NodeApp driven the way the device's host loop drives it (firmware/NodeFirmware.Device/AppHost.cs), on virtual
    /// hardware and an in-memory broker, for "hours" of virtual time: "config:" (factory defaults, diagnostic
    /// notation), "battery_mv:", "outage: FROM_MIN TO_MIN" (the broker unreachable), "sensor_fault: FROM_MIN TO_MIN",
    /// "inbound: AT_MIN TOPIC_SUFFIX DIAGNOSTIC" (a message the broker delivers at the first connection after AT_MIN),
    /// "receiver: FROM_MIN TO_MIN" (a receiver acknowledges every telemetry batch the broker accepted, delivered at the
    /// node's next listen, except for batches published from FROM_MIN to TO_MIN: those the broker lost before the
    /// receiver saw them, as in its autosave window; "receiver: 0 0" acknowledges everything), "boot_cause: N" (the first
    /// boot's <see cref="WakeCause"/>), "reset: AT_MIN CAUSE" (the node restarts with that cause instead of its first deep-sleep
    /// wake after AT_MIN), "free_heap: BYTES" (a heap gauge, see SawtoothHeap), "link_ms: WIFI DHCP TLS MQTT" (each connection
    /// takes that long, told to the node; 1500 ms untold without it), "vitals: yes" (append the vitals of the last status),
    /// "births: yes" (append the wake of every "online" status the broker took, in order).
    /// Expect: counts of boots, connections, failed connections, messages by topic, what is still in the journal,
    /// and the first 8 bytes of SHA-256 over everything published (topic, retain flag, payload), in order; with a
    /// receiver also how many acknowledgements it sent and how many readings the node sent again.
    /// </summary>
    public static class NodeCheck
    {
        private const long Minute = 60000;

        public static string Compute(Vector v)
        {
            var clock = new VirtualClock();
            long start = clock.UnixMillis;
            var flash = new CutFlash(16 * 4096, 4096);
            var sensor = new ScriptedSensor(clock);
            var battery = new FixedBattery();
            battery.Millivolts = v.IntOr("battery_mv", 4000);
            var random = new SequenceRandom(5);
            if (v.Has("sensor_fault"))
            {
                string[] f = Fields.Split(v.Text("sensor_fault"), 2, v.Name + ".sensor_fault");
                sensor.FailFromMillis = start + HexText.ParseLong(f[0], v.Name) * Minute;
                sensor.FailUntilMillis = start + HexText.ParseLong(f[1], v.Name) * Minute;
            }
            long outageFrom = -1, outageUntil = -1;
            if (v.Has("outage"))
            {
                string[] f = Fields.Split(v.Text("outage"), 2, v.Name + ".outage");
                outageFrom = start + HexText.ParseLong(f[0], v.Name) * Minute;
                outageUntil = start + HexText.ParseLong(f[1], v.Name) * Minute;
            }
            string[] inbound = v.All("inbound");
            var delivered = new bool[inbound.Length];
            DeviceConfig defaults = Configs.FromVector(v);
            var identity = new NodeIdentity("esp32-00aa00bb00cc", "1.0.0", "A", false);

            bool receiver = v.Has("receiver");
            long lostFrom = -1, lostUntil = -1;
            if (receiver)
            {
                string[] f = Fields.Split(v.Text("receiver"), 2, v.Name + ".receiver");
                lostFrom = start + HexText.ParseLong(f[0], v.Name) * Minute;
                lostUntil = start + HexText.ParseLong(f[1], v.Name) * Minute;
            }
            var acksDue = new ArrayList(); // of byte[]: acknowledgements the node receives at its next listen
            uint sentThrough = 0; // the highest sequence published so far (one epoch per run)
            int acks = 0, resent = 0;

            int boots = 1, connects = 0, failed = 0, telemetry = 0, status = 0, other = 0;
            var digest = new Sha256();
            IMemoryGauge heap = v.Has("free_heap") ? new SawtoothHeap(v.Long("free_heap")) : null;
            string[] resets = v.All("reset");
            var resetDone = new bool[resets.Length];
            LinkTimings timings = null;
            long connectMillis = 1500;
            if (v.Has("link_ms"))
            {
                string[] f = Fields.Split(v.Text("link_ms"), 4, v.Name + ".link_ms");
                timings = new LinkTimings();
                timings.WifiJoinMillis = (int)HexText.ParseLong(f[0], v.Name);
                timings.DhcpMillis = (int)HexText.ParseLong(f[1], v.Name);
                timings.TlsHandshakeMillis = (int)HexText.ParseLong(f[2], v.Name);
                timings.MqttConnectMillis = (int)HexText.ParseLong(f[3], v.Name);
                connectMillis = 0;
                for (int i = 0; i < 4; i++) if (HexText.ParseLong(f[i], v.Name) > 0) connectMillis += HexText.ParseLong(f[i], v.Name);
            }
            byte[] lastStatus = null;
            string births = "births";
            NodeApp app = Boot(clock, flash, sensor, battery, random, identity, defaults, (WakeCause)v.IntOr("boot_cause", 0), heap);
            long end = start + v.Long("hours") * 60 * Minute;
            int steps = 0;
            while (clock.UnixMillis < end)
            {
                if (++steps > 1000000) return "exception: NodeApp made no progress";
                HostRequest r = app.Next();
                bool brokerUp = clock.UnixMillis < outageFrom || clock.UnixMillis >= outageUntil;
                switch (r.Kind)
                {
                    case HostRequestKind.Connect:
                        clock.UnixMillis += connectMillis;
                        if (!brokerUp) { failed++; app.OnConnectFailed("broker unreachable"); break; }
                        connects++;
                        app.OnConnected(timings);
                        Deliver(app, inbound, delivered, clock.UnixMillis - start, v.Name);
                        break;
                    case HostRequestKind.Publish:
                        foreach (OutboundMessage m in r.Messages)
                        {
                            clock.UnixMillis += 20;
                            if (!brokerUp) { app.OnLinkLost("connection lost"); break; }
                            byte[] head = Utf8.GetBytes(m.Topic + (m.Retain ? " r " : " - "));
                            digest.Update(head);
                            digest.Update(m.Payload);
                            if (m.Topic.IndexOf("/telemetry") > 0) telemetry++;
                            else if (m.Topic.IndexOf("/status") > 0)
                            {
                                status++;
                                lastStatus = m.Payload;
                                string wake = BirthWake(m.Payload);
                                if (wake != null) births += " " + wake;
                            }
                            else other++;
                            app.OnPublishAcked(m.Token);
                            if (receiver && m.Topic.IndexOf("/telemetry") > 0)
                            {
                                uint epoch, first;
                                int count;
                                BatchHead(m.Payload, out epoch, out first, out count);
                                uint last = first + (uint)count - 1;
                                if (first <= sentThrough) resent += (int)((last < sentThrough ? last : sentThrough) - first + 1);
                                if (last > sentThrough) sentThrough = last;
                                bool lost = clock.UnixMillis >= lostFrom && clock.UnixMillis < lostUntil;
                                if (!lost) { acksDue.Add(TelemetryAck.Encode(epoch, first, count)); acks++; }
                            }
                        }
                        break;
                    case HostRequestKind.Listen:
                        clock.UnixMillis += r.ListenMilliseconds;
                        foreach (byte[] ack in acksDue) app.OnMessage("nodes/esp32-00aa00bb00cc/telemetry/ack", ack);
                        acksDue.Clear();
                        break;
                    case HostRequestKind.Disconnect:
                        break;
                    case HostRequestKind.Sleep:
                        clock.UnixMillis += r.SleepMilliseconds;
                        if (r.DeepSleep)
                        {
                            // Acknowledgements not yet delivered wait in the node's persistent session.
                            boots++;
                            WakeCause cause = WakeCause.DeepSleepTimer;
                            for (int i = 0; i < resets.Length; i++)
                            {
                                string[] f = Fields.Split(resets[i], 2, v.Name + ".reset");
                                if (resetDone[i] || clock.UnixMillis - start < HexText.ParseLong(f[0], v.Name) * Minute) continue;
                                resetDone[i] = true;
                                cause = (WakeCause)(int)HexText.ParseLong(f[1], v.Name);
                            }
                            app = Boot(clock, flash, sensor, battery, random, identity, defaults, cause, heap);
                        }
                        break;
                    default:
                        return "exception: unknown host request " + (int)r.Kind;
                }
            }
            var head8 = new byte[8];
            Array.Copy(digest.Final(), head8, 8);
            return "boots " + boots + " connects " + connects + " failed " + failed + " telemetry " + telemetry + " status " + status
                + " other " + other + " pending " + app.Journal.PendingCount + " config_rev " + app.Config.Revision
                + (receiver ? " acks " + acks + " resent_readings " + resent : "")
                + (v.Has("vitals") ? " " + StatusVitals(lastStatus) : "") + (v.Has("births") ? " " + births : "")
                + " digest " + HexText.Encode(head8);
        }

        /// <summary>Epoch, first sequence and reading count of a telemetry batch, as the receiver reads them to acknowledge it.</summary>
        private static void BatchHead(byte[] payload, out uint epoch, out uint first, out int count)
        {
            epoch = 0;
            first = 0;
            count = 0;
            var r = new CborReader(payload);
            int pairs = r.ReadStartMap();
            for (int i = 0; i < pairs; i++)
            {
                string key = r.ReadText();
                if (key == "e") epoch = r.ReadUInt32();
                else if (key == "s") first = r.ReadUInt32();
                else if (key == "dt")
                {
                    count = r.ReadStartArray();
                    for (int k = 0; k < count; k++) r.SkipValue();
                }
                else r.SkipValue();
            }
        }

        /// <summary>The wake an "online" status reports ("timer" when it leaves it out); null for any other status.</summary>
        public static string BirthWake(byte[] status)
        {
            var r = new CborReader(status);
            string state = null, wake = "timer";
            int pairs = r.ReadStartMap();
            for (int i = 0; i < pairs; i++)
            {
                string key = r.ReadText();
                if (key == "state") state = r.ReadText();
                else if (key == "wake") wake = r.ReadText();
                else r.SkipValue();
            }
            return state == "online" ? wake : null;
        }

        /// <summary>The vitals fields of a status message as "key=value" words, in the message's order.</summary>
        private static string StatusVitals(byte[] status)
        {
            if (status == null) return "vitals none";
            string text = "vitals";
            var r = new CborReader(status);
            int pairs = r.ReadStartMap();
            for (int i = 0; i < pairs; i++)
            {
                string key = r.ReadText();
                if (key == "boots" || key == "up" || key == "rc" || key == "heap") text += " " + key + "=" + r.ReadInt64();
                else if (key == "rst" || key == "w2p")
                {
                    int n = r.ReadStartArray();
                    text += " " + key + "=";
                    for (int k = 0; k < n; k++) text += (k > 0 ? "/" : "") + r.ReadInt64();
                }
                else r.SkipValue();
            }
            return text;
        }

        private static NodeApp Boot(VirtualClock clock, CutFlash flash, ScriptedSensor sensor, FixedBattery battery, SequenceRandom random,
            NodeIdentity identity, DeviceConfig defaults, WakeCause cause, IMemoryGauge heap)
        {
            clock.BootMillis = clock.UnixMillis;
            var platform = new NodePlatform(clock, flash, sensor, battery, random);
            platform.Memory = heap;
            var app = new NodeApp(platform, identity, defaults);
            app.Boot(cause);
            return app;
        }

        private static void Deliver(NodeApp app, string[] inbound, bool[] delivered, long sinceStart, string name)
        {
            for (int i = 0; i < inbound.Length; i++)
            {
                if (delivered[i]) continue;
                string line = inbound[i];
                int a = line.IndexOf(' ');
                int b = line.IndexOf(' ', a + 1);
                if (sinceStart < HexText.ParseLong(line.Substring(0, a), name) * Minute) continue;
                delivered[i] = true;
                app.OnMessage("nodes/esp32-00aa00bb00cc/" + line.Substring(a + 1, b - a - 1), CborDiagnostic.Write(line.Substring(b + 1)));
            }
        }
    }
}
