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
    ///
    /// Delivery of a batch (docs/firmware-core.md, "Delivery"). With ack_ms = 0 (<see cref="DeviceConfig.AckWaitMilliseconds"/>):
    ///   pending --publish--> sent --PUBACK--> released
    ///   sent --link lost--> pending (the journal still holds it; sent again at the next connection)
    /// With ack_ms &gt; 0 the broker's PUBACK no longer releases anything; the receiver's acknowledgement does:
    ///   pending --publish (one awaiting until an ack arrived on this connection, then MaxUnackedBatches)--> awaiting
    ///   awaiting --ack on nodes/{id}/telemetry/ack, batch at the release front--> released (and every acked batch after it)
    ///   awaiting --ack, an earlier batch still unacked--> acked, released once the batches before it are
    ///   awaiting --ack_ms of listening this connection without the ack, or link lost, or deep sleep--> pending
    ///     (the node disconnects and backs off as after a failed connection; the next connection sends the same
    ///     readings again with the same keys, which the receiver's de-duplication drops and acknowledges again)
    /// An ack is taken only for this journal's epoch, for readings it holds and has not released, and either for a
    /// batch sent on this connection or starting at the oldest pending reading (acks queued in the node's session
    /// while it slept); anything else is ignored.
    /// </summary>
    public class NodeApp
    {
        private const int ConfigSectors = 2;
        private const long MinimumSleepMilliseconds = 100;

        /// <summary>Telemetry batches sent on one connection and not yet acknowledged by the receiver, at most.</summary>
        public const int MaxUnackedBatches = 4;

        /// <summary>How long each extra listen for missing acknowledgements lasts (after the listen window).</summary>
        public const int AckListenSliceMilliseconds = 250;

        private readonly NodePlatform _platform;
        private readonly NodeIdentity _identity;
        private readonly Topics _topics;
        private readonly DualCopyStore _configStore;
        private readonly Journal _journal;
        private readonly Sampler _sampler;
        private readonly ArrayList _extensions = new ArrayList();
        private readonly ArrayList _replies = new ArrayList();
        private readonly ArrayList _inFlight = new ArrayList(); // of InFlight
        private readonly ArrayList _awaiting = new ArrayList(); // of AwaitedBatch, oldest first (ack_ms > 0 only)
        private readonly ArrayList _sentThisConnection = new ArrayList(); // of AwaitedBatch, in either mode: ends the listen window

        private DeviceConfig _config;
        private Phase _phase = Phase.Local;
        private WakeCause _wake;
        private int _nextToken = 1;
        // The retained "online" birth goes out on the first connection after a power-on or reset, and after a
        // connection ended uncleanly (the will said "offline"); after a timer wake the status the node left
        // ("sleeping until") is still true, and the next one is published before it disconnects. Whether it is owed
        // lives in the journal (VitalsTracker), so a deep sleep before any connection does not lose it.
        private int _birthToken; // the birth published on this connection, 0 = none
        private bool _listened;
        private bool _sleepStatusSent;
        private bool _linkFailedThisWake;
        private bool _sampleNow;
        private bool _rebootRequested;
        private bool _healthCheckDone;
        private uint _sentThrough;
        private int _listenedMilliseconds;
        private bool _ackTimedOut;
        private bool _ackHeardThisConnection;
        private readonly long _bootMilliseconds;
        private readonly VitalsTracker _vitals;

        private enum Phase { Local, Connecting, Connected, Publishing, Disconnecting }

        private class InFlight
        {
            public InFlight(int token, uint releasesThrough) { Token = token; ReleasesThrough = releasesThrough; }

            public int Token;

            /// <summary>A telemetry batch's last sequence, released on PUBACK; 0 for other messages.</summary>
            public uint ReleasesThrough;

            public bool Telemetry;
        }

        private class AwaitedBatch
        {
            public AwaitedBatch(uint first, uint last) { First = first; Last = last; }

            public uint First;
            public uint Last;
            public bool Acked;
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
            _vitals = new VitalsTracker(platform, _journal);
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
            _vitals.OnBoot(cause);
        }

        public HostRequest Next()
        {
            _vitals.OnStep();
            if (!_rebootRequested && LifecycleWantsReboot()) _rebootRequested = true;
            switch (_phase)
            {
                case Phase.Local:
                    return NextLocal();
                case Phase.Connected:
                    return NextConnected();
                case Phase.Disconnecting:
                    _phase = Phase.Local;
                    if (_ackTimedOut) RecordAckTimeout();
                    else _journal.SaveLinkState(0, 0, _vitals.Counters);
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
            OnConnected(null);
        }

        /// <summary>Connected; <paramref name="timings"/> (null = not measured) says how long each step of the connection took.</summary>
        public void OnConnected(LinkTimings timings)
        {
            if (_phase != Phase.Connecting) throw new InvalidOperationException("not connecting");
            _phase = Phase.Connected;
            _vitals.OnConnected(timings);
            Signal(NodeHealthSignal.BrokerReached);
            _listened = false;
            _sleepStatusSent = false;
            _birthToken = 0;
            // What waited for an acknowledgement on an earlier connection is sent again, with the same keys.
            _awaiting.Clear();
            _sentThrough = 0;
            _listenedMilliseconds = 0;
            _ackTimedOut = false;
            _ackHeardThisConnection = false;
            _sentThisConnection.Clear();
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
            _vitals.OnPublishAcked();
            if (acked.ReleasesThrough > 0) _journal.Release(acked.ReleasesThrough);
            if (acked.Telemetry) Signal(NodeHealthSignal.TelemetryAcknowledged);
            if (token == _birthToken) _vitals.OnBirthDelivered();
            if (_inFlight.Count == 0 && _phase == Phase.Publishing) _phase = Phase.Connected;
        }

        /// <summary>The connection broke (or a publish timed out): unacknowledged readings stay in the journal.</summary>
        public void OnLinkLost(string reason)
        {
            if (_phase == Phase.Local) return;
            _vitals.OweBirth(_wake); // written with the back-off's link state
            RecordLinkFailure();
        }

        public void OnMessage(string topic, byte[] payload)
        {
            if (topic == _topics.TelemetryAck) HandleTelemetryAck(payload);
            else if (topic == _topics.Config) ApplyDesiredConfig(payload);
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
            if (_vitals.BirthDue && _birthToken == 0)
            {
                OutboundMessage birth = Token(_topics.Status, StatusEncoder.Encode(Status("online", 0, _vitals.BirthWake)), true, 0);
                _birthToken = birth.Token;
                messages.Add(birth);
            }
            if (_rebootRequested)
            {
                // Only the replies (the reboot's acknowledgement) go out before the node restarts.
            }
            else if (_journal.PendingCount > 0 && Scheduler.ModeFor(_platform.Battery.Millivolts, _config) != PowerMode.Critical
                && (!AckMode || (_awaiting.Count < UnackedBatchLimit() && !_ackTimedOut)))
            {
                OutboundMessage batch = NextBatch();
                if (batch != null) messages.Add(batch);
            }
            if (messages.Count > 0) return PublishRequest(messages);

            if (KeepConnected()) return ListenRequest(_config.ListenWindowMilliseconds);
            if (!_listened)
            {
                // The window, in slices; it ends once the receiver has acknowledged every batch of this connection.
                int left = _config.ListenWindowMilliseconds - _listenedMilliseconds;
                if (left > 0 && !ReceiverCaughtUp()) return ListenRequest(left < AckListenSliceMilliseconds ? left : AckListenSliceMilliseconds);
                _listened = true;
            }
            if (AckMode && AwaitingAck())
            {
                // Listen on for the receiver's acknowledgements, ack_ms per connection in all; then give up until the next one.
                int left = _config.AckWaitMilliseconds - _listenedMilliseconds;
                if (left > 0) return ListenRequest(left < AckListenSliceMilliseconds ? left : AckListenSliceMilliseconds);
                _ackTimedOut = true;
            }
            if (!_sleepStatusSent && !_rebootRequested)
            {
                _sleepStatusSent = true;
                var decision = Scheduler.Decide(SchedulerInputNow());
                long until = decision.Action == NodeAction.Sleep ? _platform.Clock.UnixTimeSeconds + decision.SleepSeconds : _platform.Clock.UnixTimeSeconds;
                var list = new ArrayList();
                list.Add(Token(_topics.Status, StatusEncoder.Encode(Status("sleeping", until, _wake)), true, 0));
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

        private bool AckMode { get { return _config.AckWaitMilliseconds > 0; } }

        /// <summary>The next batch: the oldest pending readings not yet sent on this connection; null when there are none.</summary>
        private OutboundMessage NextBatch()
        {
            int max = _config.MaxBatchReadings;
            var readings = new Reading[max];
            int n = _journal.ReadPendingAfter(AckMode ? _sentThrough : 0, readings, max);
            if (n == 0) return null;
            // A gap (readings dropped when the journal was full) ends the batch: batches are consecutive.
            int count = 1;
            while (count < n && readings[count].Sequence == readings[0].Sequence + (uint)count) count++;
            byte[] payload = PackedBatchEncoder.Encode(_journal.Epoch, readings, 0, count);
            uint last = readings[count - 1].Sequence;
            _sentThisConnection.Add(new AwaitedBatch(readings[0].Sequence, last));
            if (!AckMode) return Token(_topics.Telemetry, payload, false, last, true);
            _awaiting.Add(new AwaitedBatch(readings[0].Sequence, last));
            _sentThrough = last;
            return Token(_topics.Telemetry, payload, false, 0, true);
        }

        /// <summary>
        /// One batch until the receiver answered on this connection: while it is away, each retry puts one batch into its
        /// queue again rather than four.
        /// </summary>
        private int UnackedBatchLimit()
        {
            return _ackHeardThisConnection ? MaxUnackedBatches : 1;
        }

        /// <summary>
        /// The receiver acknowledged every batch sent on this connection. Whatever the broker held for the node's session
        /// was delivered right after CONNACK, before those batches even reached the receiver, so nothing else is on its way
        /// unless someone sends it now; the listen window can end (docs/firmware-core.md, "Listen window").
        /// </summary>
        private bool ReceiverCaughtUp()
        {
            if (_sentThisConnection.Count == 0) return false;
            foreach (AwaitedBatch b in _sentThisConnection) if (!b.Acked) return false;
            return true;
        }

        private bool AwaitingAck()
        {
            foreach (AwaitedBatch b in _awaiting) if (!b.Acked) return true;
            return false;
        }

        /// <summary>The receiver committed a batch: release it and every acknowledged batch right after it (see the class comment).</summary>
        private void HandleTelemetryAck(byte[] payload)
        {
            uint epoch, first;
            int count;
            string error;
            if (!TelemetryAck.TryDecode(payload, out epoch, out first, out count, out error)) return;
            uint last = first + (uint)(count - 1);
            if (epoch == _journal.Epoch)
            {
                foreach (AwaitedBatch b in _sentThisConnection) if (b.First == first && b.Last == last) b.Acked = true;
            }
            if (epoch != _journal.Epoch || last < first || last >= _journal.NextSequence || last <= _journal.ReleasedThrough) return;
            bool known = false;
            foreach (AwaitedBatch b in _awaiting)
            {
                if (b.First == first && b.Last == last) { b.Acked = true; known = true; }
            }
            if (!known && first > _journal.ReleasedThrough + 1) return;
            _ackHeardThisConnection = true;
            if (first <= _journal.ReleasedThrough + 1) _journal.Release(last);
            bool moved = true;
            while (moved && _awaiting.Count > 0)
            {
                moved = false;
                var oldest = (AwaitedBatch)_awaiting[0];
                if (oldest.Last <= _journal.ReleasedThrough) { _awaiting.RemoveAt(0); moved = true; }
                else if (oldest.Acked && oldest.First <= _journal.ReleasedThrough + 1) { _journal.Release(oldest.Last); _awaiting.RemoveAt(0); moved = true; }
            }
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

        /// <summary>Batches went unacknowledged for ack_ms: back off as after a failed connection, the readings kept.</summary>
        private void RecordAckTimeout()
        {
            _ackTimedOut = false;
            BackOff();
        }

        private void RecordLinkFailure()
        {
            _inFlight.Clear();
            _phase = Phase.Local;
            BackOff();
        }

        /// <summary>One more consecutive link failure: the next connection waits the jittered back-off.</summary>
        private void BackOff()
        {
            _linkFailedThisWake = true;
            uint failures = _journal.ConsecutiveLinkFailures + 1;
            long delay = Backoff.DelaySeconds(failures, _config.BackoffBaseSeconds, _config.BackoffMaxSeconds, _platform.Random);
            _vitals.OnReconnectNeeded();
            _journal.SaveLinkState(failures, (uint)(_platform.Clock.UnixTimeSeconds + delay), _vitals.Counters);
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
            // The acknowledgements are subscribed to in either mode: a session made before ack_ms was turned on then has them.
            r.Subscriptions = new string[3 + extra];
            r.Subscriptions[0] = _topics.Config;
            r.Subscriptions[1] = _topics.Command;
            r.Subscriptions[2] = _topics.TelemetryAck;
            int i = 3;
            foreach (INodeExtension e in _extensions)
            {
                foreach (string s in e.Subscriptions) r.Subscriptions[i++] = s;
            }
            return r;
        }

        private HostRequest ListenRequest(int milliseconds)
        {
            _listenedMilliseconds += milliseconds;
            var listen = new HostRequest();
            listen.Kind = HostRequestKind.Listen;
            listen.ListenMilliseconds = milliseconds;
            return listen;
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
            if (!deep) _vitals.OnLightSleep();
            _linkFailedThisWake = false; // the sleep is the pause after a failure; back-off decides the next attempt
            return r;
        }

        private OutboundMessage Token(string topic, byte[] payload, bool retain, uint releasesThrough)
        {
            return Token(topic, payload, retain, releasesThrough, false);
        }

        private OutboundMessage Token(string topic, byte[] payload, bool retain, uint releasesThrough, bool telemetry)
        {
            int token = _nextToken++;
            var f = new InFlight(token, releasesThrough);
            f.Telemetry = telemetry;
            _inFlight.Add(f);
            return new OutboundMessage(token, topic, payload, retain);
        }

        private NodeStatus Status(string state, long sleepUntil, WakeCause wake)
        {
            var s = new NodeStatus();
            s.State = state;
            s.FirmwareVersion = _identity.FirmwareVersion;
            s.Slot = _identity.Slot;
            s.Trial = _identity.Trial;
            s.Epoch = _journal.Epoch;
            s.Wake = WakeName(wake);
            s.BatteryMillivolts = _platform.Battery.Millivolts;
            var mode = Scheduler.ModeFor(s.BatteryMillivolts, _config);
            s.PowerMode = mode == PowerMode.Normal ? "normal" : mode == PowerMode.Low ? "low" : "critical";
            s.Pending = _journal.PendingCount;
            s.Dropped = _journal.DroppedTotal;
            s.ConfigRevision = _config.Revision;
            s.SleepUntil = sleepUntil;
            _vitals.Fill(s, _config.ReportIntervalSeconds);
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
                case WakeCause.Panic: return "panic";
                default: return "unknown";
            }
        }
    }
}
