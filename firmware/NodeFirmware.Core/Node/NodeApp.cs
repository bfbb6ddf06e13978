using NodeFirmware.Core.Util;
using System;
using System.Collections;
using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Config;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Link;
using NodeFirmware.Core.Scheduling;
using NodeFirmware.Core.Sensing;
using NodeFirmware.Core.Storage;
using NodeFirmware.Core.Telemetry;

namespace NodeFirmware.Core.Node
{
    /// <summary>
    /// The node's firmware logic, driven by a host (the Device project, the virtual node). It never
    /// blocks and does no network I/O: <see cref="Next"/> does the local work (sampling, journaling) and
    /// returns what the host must do next; the host reports the outcome through the On… methods.
    /// The host contract is written down in docs/firmware-core.md.
    /// </summary>
    public class NodeApp
    {
        private const int ConfigSectors = 2;
        private const long MinimumSleepMilliseconds = 100;

        private readonly NodePlatform _platform;
        private readonly NodeIdentity _identity;
        private readonly Topics _topics;
        private readonly DualCopyStore _configStore;
        private readonly Journal _journal;
        private readonly Sampler _sampler;
        private readonly ArrayList _extensions = new ArrayList();
        private readonly ArrayList _replies = new ArrayList();
        private readonly ArrayList _inFlight = new ArrayList(); // of InFlight

        private DeviceConfig _config;
        private Phase _phase = Phase.Local;
        private WakeCause _wake;
        private int _nextToken = 1;
        // The retained "online" birth goes out on the first connection after a power-on or reset, and after a
        // connection ended uncleanly (the will said "offline"); after a timer wake the status the node left
        // ("sleeping until") is still true, and the next one is published before it disconnects.
        private bool _birthDue;
        private bool _listened;
        private bool _sleepStatusSent;
        private bool _linkFailedThisWake;
        private bool _sampleNow;
        private bool _rebootRequested;
        private bool _healthCheckDone;
        private readonly long _bootMilliseconds;

        private enum Phase { Local, Connecting, Connected, Publishing, Disconnecting }

        private class InFlight
        {
            public InFlight(int token, uint releasesThrough) { Token = token; ReleasesThrough = releasesThrough; }

            public int Token;

            /// <summary>A telemetry batch's last sequence, released on PUBACK; 0 for other messages.</summary>
            public uint ReleasesThrough;
        }

        public NodeApp(NodePlatform platform, NodeIdentity identity, DeviceConfig defaults)
        {
            _platform = platform;
            _bootMilliseconds = platform.Clock.UptimeMillis; // how long the boot took, measured on every boot
            _identity = identity;
            _topics = new Topics(identity.DeviceId);
            int sectors = platform.Storage.Size / platform.Storage.SectorSize;
            _configStore = new DualCopyStore(platform.Storage, 0);
            _journal = new Journal(new FlashWindow(platform.Storage, ConfigSectors, sectors - ConfigSectors), platform.Random);
            _config = LoadConfig(defaults);
            _sampler = new Sampler(platform.Sensor, platform.Battery);
            _sampler.ApplyConfig(_config);
        }

        public DeviceConfig Config { get { return _config; } }
        public Journal Journal { get { return _journal; } }
        public Topics Topics { get { return _topics; } }

        public void AddExtension(INodeExtension extension)
        {
            _extensions.Add(extension);
        }

        /// <summary>Called once after construction, with why the node is running.</summary>
        public void Boot(WakeCause cause)
        {
            _wake = cause;
            _birthDue = cause != WakeCause.DeepSleepTimer;
        }

        public HostRequest Next()
        {
            if (!_rebootRequested && LifecycleWantsReboot()) _rebootRequested = true;
            switch (_phase)
            {
                case Phase.Local:
                    return NextLocal();
                case Phase.Connected:
                    return NextConnected();
                case Phase.Disconnecting:
                    _phase = Phase.Local;
                    _journal.SaveLinkState(0, 0);
                    return NextLocal();
                case Phase.Publishing:
                    // The host came back without reporting every PUBACK: what is unacknowledged stays in the journal.
                    OnLinkLost("publish not acknowledged");
                    return NextLocal();
                default:
                    throw new InvalidOperationException("the host must answer Connect with OnConnected or OnConnectFailed");
            }
        }

        public void OnConnected()
        {
            if (_phase != Phase.Connecting) throw new InvalidOperationException("not connecting");
            _phase = Phase.Connected;
            Signal(NodeHealthSignal.BrokerReached);
            _listened = false;
            _sleepStatusSent = false;
        }

        public void OnConnectFailed(string reason)
        {
            if (_phase != Phase.Connecting) throw new InvalidOperationException("not connecting");
            RecordLinkFailure();
        }

        public void OnPublishAcked(int token)
        {
            InFlight acked = null;
            foreach (InFlight f in _inFlight) if (f.Token == token) acked = f;
            if (acked == null) return;
            _inFlight.Remove(acked);
            if (acked.ReleasesThrough > 0)
            {
                _journal.Release(acked.ReleasesThrough);
                Signal(NodeHealthSignal.TelemetryAcknowledged);
            }
            if (_inFlight.Count == 0 && _phase == Phase.Publishing) _phase = Phase.Connected;
        }

        /// <summary>The connection broke (or a publish timed out): unacknowledged readings stay in the journal.</summary>
        public void OnLinkLost(string reason)
        {
            if (_phase == Phase.Local) return;
            _birthDue = true;
            RecordLinkFailure();
        }

        public void OnMessage(string topic, byte[] payload)
        {
            if (topic == _topics.Config) ApplyDesiredConfig(payload);
            else if (topic == _topics.Command) HandleCommand(payload);
            else
            {
                foreach (INodeExtension e in _extensions)
                {
                    if (e.Accepts(topic)) { e.OnMessage(topic, payload); return; }
                }
            }
        }

        private HostRequest NextLocal()
        {
            _inFlight.Clear();
            for (int guard = 0; guard < 8; guard++)
            {
                if (_rebootRequested) return SleepRequest(1, true);
                if (!_healthCheckDone && LifecycleWantsHealthCheck())
                {
                    // Once per wake: a sample to send, and a connection now rather than at the next report time.
                    _healthCheckDone = true;
                    TakeSample();
                    if (!_linkFailedThisWake) return ConnectRequest();
                    continue;
                }
                var decision = Scheduler.Decide(SchedulerInputNow());
                if (_sampleNow || decision.Action == NodeAction.Sample)
                {
                    TakeSample();
                    continue;
                }
                if (decision.Action == NodeAction.Flush) return ConnectRequest();
                return SleepRequest(decision.SleepSeconds, decision.Deep);
            }
            return SleepRequest(1, false);
        }

        private HostRequest NextConnected()
        {
            var messages = new ArrayList();
            foreach (PendingPublish p in _replies) messages.Add(Token(p.Topic, p.Payload, p.Retain, 0));
            _replies.Clear();
            var extensionOut = new ArrayList();
            foreach (INodeExtension e in _extensions) e.TakeOutbound(extensionOut);
            foreach (PendingPublish p in extensionOut) messages.Add(Token(p.Topic, p.Payload, p.Retain, 0));
            if (_birthDue)
            {
                messages.Add(Token(_topics.Status, StatusEncoder.Encode(Status("online", 0)), true, 0));
                _birthDue = false;
            }
            if (_rebootRequested)
            {
                // Only the replies (the reboot's acknowledgement) go out before the node restarts.
            }
            else if (_journal.PendingCount > 0 && Scheduler.ModeFor(_platform.Battery.Millivolts, _config) != PowerMode.Critical)
            {
                messages.Add(NextBatch());
            }
            if (messages.Count > 0) return PublishRequest(messages);

            if (!_listened || KeepConnected())
            {
                _listened = true;
                var listen = new HostRequest();
                listen.Kind = HostRequestKind.Listen;
                listen.ListenMilliseconds = _config.ListenWindowMilliseconds;
                return listen;
            }
            if (!_sleepStatusSent && !_rebootRequested)
            {
                _sleepStatusSent = true;
                var decision = Scheduler.Decide(SchedulerInputNow());
                long until = decision.Action == NodeAction.Sleep ? _platform.Clock.UnixTimeSeconds + decision.SleepSeconds : _platform.Clock.UnixTimeSeconds;
                var list = new ArrayList();
                list.Add(Token(_topics.Status, StatusEncoder.Encode(Status("sleeping", until)), true, 0));
                return PublishRequest(list);
            }
            _phase = Phase.Disconnecting;
            var disconnect = new HostRequest();
            disconnect.Kind = HostRequestKind.Disconnect;
            return disconnect;
        }

        private void Signal(NodeHealthSignal signal)
        {
            foreach (object e in _extensions) if (e is INodeLifecycleExtension) ((INodeLifecycleExtension)e).OnHealthSignal(signal);
        }

        private bool LifecycleWantsReboot()
        {
            foreach (object e in _extensions) if (e is INodeLifecycleExtension && ((INodeLifecycleExtension)e).RebootRequested) return true;
            return false;
        }

        private bool LifecycleWantsHealthCheck()
        {
            foreach (object e in _extensions) if (e is INodeLifecycleExtension && ((INodeLifecycleExtension)e).WantsHealthCheckNow) return true;
            return false;
        }

        private bool KeepConnected()
        {
            foreach (INodeExtension e in _extensions) if (e.KeepConnected) return true;
            return false;
        }

        private OutboundMessage NextBatch()
        {
            int max = _config.MaxBatchReadings;
            var readings = new Reading[max];
            int n = _journal.ReadPending(readings, max);
            // A gap (readings dropped when the journal was full) ends the batch: batches are consecutive.
            int count = 1;
            while (count < n && readings[count].Sequence == readings[0].Sequence + (uint)count) count++;
            byte[] payload = TelemetryBatchEncoder.Encode(_identity.DeviceId, _journal.Epoch, readings, 0, count);
            return Token(_topics.Telemetry, payload, false, readings[count - 1].Sequence);
        }

        private void TakeSample()
        {
            _sampleNow = false;
            var clock = _platform.Clock;
            var reading = _sampler.Sample((uint)clock.UnixTimeSeconds);
            _journal.Append(reading, clock.IsTimeValid);
            if (reading.Fault == SensorFault.None) Signal(NodeHealthSignal.SensorRead);
        }

        private SchedulerInput SchedulerInputNow()
        {
            var input = new SchedulerInput();
            input.Now = _platform.Clock.UnixTimeSeconds;
            input.Config = _config;
            input.BatteryMillivolts = _platform.Battery.Millivolts;
            input.Pending = _journal.PendingCount;
            input.Capacity = _journal.Capacity;
            input.LastSampleTime = _journal.LastReadingUnixTime;
            input.NextLinkAttemptTime = _journal.NextLinkAttemptUnixTime;
            input.LinkFailedThisWake = _linkFailedThisWake;
            if (input.Pending > 0)
            {
                var oldest = new Reading[1];
                if (_journal.ReadPending(oldest, 1) == 1) input.OldestPendingTime = oldest[0].UnixTime;
            }
            return input;
        }

        private void RecordLinkFailure()
        {
            _inFlight.Clear();
            _phase = Phase.Local;
            _linkFailedThisWake = true;
            uint failures = _journal.ConsecutiveLinkFailures + 1;
            long delay = Backoff.DelaySeconds(failures, _config.BackoffBaseSeconds, _config.BackoffMaxSeconds, _platform.Random);
            _journal.SaveLinkState(failures, (uint)(_platform.Clock.UnixTimeSeconds + delay));
        }

        private HostRequest ConnectRequest()
        {
            _phase = Phase.Connecting;
            var r = new HostRequest();
            r.Kind = HostRequestKind.Connect;
            r.ClientId = _identity.DeviceId;
            r.WillTopic = _topics.Status;
            r.WillPayload = StatusEncoder.Offline();
            r.CleanSession = false;
            int extra = 0;
            foreach (INodeExtension e in _extensions) extra += e.Subscriptions.Length;
            r.Subscriptions = new string[2 + extra];
            r.Subscriptions[0] = _topics.Config;
            r.Subscriptions[1] = _topics.Command;
            int i = 2;
            foreach (INodeExtension e in _extensions)
            {
                foreach (string s in e.Subscriptions) r.Subscriptions[i++] = s;
            }
            return r;
        }

        private HostRequest PublishRequest(ArrayList messages)
        {
            _phase = Phase.Publishing;
            var r = new HostRequest();
            r.Kind = HostRequestKind.Publish;
            r.Messages = (OutboundMessage[])messages.ToArray(typeof(OutboundMessage));
            return r;
        }

        private HostRequest SleepRequest(long seconds, bool deep)
        {
            var r = new HostRequest();
            r.Kind = HostRequestKind.Sleep;
            r.SleepMilliseconds = seconds * 1000;
            // A deep-sleep wake costs a full boot before the application runs again: wake that much earlier
            // so samples keep their cadence instead of drifting by the boot time every cycle.
            if (deep) r.SleepMilliseconds = IntMath.Max(MinimumSleepMilliseconds, r.SleepMilliseconds - _bootMilliseconds);
            r.DeepSleep = deep;
            _linkFailedThisWake = false; // the sleep is the pause after a failure; back-off decides the next attempt
            return r;
        }

        private OutboundMessage Token(string topic, byte[] payload, bool retain, uint releasesThrough)
        {
            int token = _nextToken++;
            _inFlight.Add(new InFlight(token, releasesThrough));
            return new OutboundMessage(token, topic, payload, retain);
        }

        private NodeStatus Status(string state, long sleepUntil)
        {
            var s = new NodeStatus();
            s.State = state;
            s.FirmwareVersion = _identity.FirmwareVersion;
            s.Slot = _identity.Slot;
            s.Trial = _identity.Trial;
            s.Epoch = _journal.Epoch;
            s.Wake = WakeName(_wake);
            s.BatteryMillivolts = _platform.Battery.Millivolts;
            var mode = Scheduler.ModeFor(s.BatteryMillivolts, _config);
            s.PowerMode = mode == PowerMode.Normal ? "normal" : mode == PowerMode.Low ? "low" : "critical";
            s.Pending = _journal.PendingCount;
            s.Dropped = _journal.DroppedTotal;
            s.ConfigRevision = _config.Revision;
            s.SleepUntil = sleepUntil;
            return s;
        }

        private void ApplyDesiredConfig(byte[] payload)
        {
            string reason;
            var next = ConfigCodec.Apply(_config, payload, out reason);
            var w = new CborWriter(200);
            if (next == null)
            {
                w.WriteStartMap(3);
                w.WriteText("ok"); w.WriteBoolean(false);
                w.WriteText("err"); w.WriteText(reason);
                w.WriteText("applied"); w.WriteEncoded(ConfigCodec.Encode(_config));
            }
            else
            {
                byte[] encoded = ConfigCodec.Encode(next);
                if (!SameBytes(encoded, ConfigCodec.Encode(_config)))
                {
                    _configStore.Write(encoded);
                    _config = next;
                    _sampler.ApplyConfig(_config);
                }
                w.WriteStartMap(2);
                w.WriteText("ok"); w.WriteBoolean(true);
                w.WriteText("applied"); w.WriteEncoded(encoded);
            }
            _replies.Add(new PendingPublish(_topics.ConfigReported, w.ToArray(), true));
        }

        private void HandleCommand(byte[] payload)
        {
            string id, op, error;
            bool ok = CommandHandler.TryDecode(payload, out id, out op, out error);
            if (ok)
            {
                if (op == CommandHandler.SampleNow) _sampleNow = true;
                else if (op == CommandHandler.Reboot) _rebootRequested = true;
                else if (op != CommandHandler.Ping) { ok = false; error = "unknown op '" + op + "'"; }
            }
            _replies.Add(new PendingPublish(_topics.CommandAck, CommandHandler.EncodeAck(id, ok, ok ? null : error), false));
        }

        private DeviceConfig LoadConfig(DeviceConfig defaults)
        {
            byte[] stored = _configStore.Read();
            if (stored == null) return defaults.Clone();
            string reason;
            var loaded = ConfigCodec.Apply(defaults, stored, out reason);
            return loaded ?? defaults.Clone();
        }

        private static bool SameBytes(byte[] a, byte[] b)
        {
            if (a.Length != b.Length) return false;
            for (int i = 0; i < a.Length; i++) if (a[i] != b[i]) return false;
            return true;
        }

        private static string WakeName(WakeCause c)
        {
            switch (c)
            {
                case WakeCause.PowerOn: return "power-on";
                case WakeCause.DeepSleepTimer: return "timer";
                case WakeCause.DeepSleepPin: return "pin";
                case WakeCause.Reset: return "reset";
                case WakeCause.Watchdog: return "watchdog";
                case WakeCause.Brownout: return "brownout";
                default: return "unknown";
            }
        }
    }
}
