using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Link;
using NodeFirmware.Core.Storage;
using NodeFirmware.Core.Telemetry;

namespace NodeFirmware.Core.Node
{
    /// <summary>
    /// The node's vitals (docs/formats/README.md, status "Vitals"): boots and reset reasons, reconnects and the
    /// free-heap low-water mark, counted across boots in the journal; uptime; and how long this wake took from
    /// waking to the first PUBACK, phase by phase. Reads time only from the platform clock, whose uptime restarts
    /// at every boot and deep-sleep wake.
    /// </summary>
    internal class VitalsTracker
    {
        private readonly NodePlatform _platform;
        private readonly Journal _journal;
        private VitalsCounters _counters;
        private long _wakeStartMillis;
        private bool _wakeStartDue;
        private long _connectedAtMillis = -1;
        private LinkTimings _timings;
        private bool _measured;
        private bool _resetUndated; // this run began with a reset boot whose time is not known yet
        private int[] _wakeToPublish; // total, Wi-Fi join, DHCP, TLS, MQTT connect, publish (ms); null until measured this wake

        public VitalsTracker(NodePlatform platform, Journal journal)
        {
            _platform = platform;
            _journal = journal;
            _counters = journal.Vitals;
        }

        /// <summary>
        /// A reset boot counts, with its reason, and owes the "online" birth reporting it (the latest reset when several came
        /// before a connection: the counters keep the others). A pin wake owes a birth too, unless one is owed already; a
        /// timer wake owes none of its own. One journal write, none on a timer wake.
        /// </summary>
        public void OnBoot(WakeCause cause)
        {
            if (cause == WakeCause.DeepSleepTimer) return;
            if (cause == WakeCause.DeepSleepPin)
            {
                OweBirth(cause);
                _journal.SaveVitals(_counters);
                return;
            }
            _counters.BirthDue = true;
            _counters.BirthWake = cause;
            _counters.Boots++;
            if (cause == WakeCause.Brownout) _counters.Brownouts++;
            else if (cause == WakeCause.Watchdog) _counters.Watchdogs++;
            else if (cause == WakeCause.Panic) _counters.Panics++;
            _counters.ResetUnixTime = 0;
            _resetUndated = true;
            DateReset();
            NoteHeap();
            _journal.SaveVitals(_counters);
        }

        /// <summary>Whether the "online" birth is owed (kept in the journal, so across deep sleep until it is delivered).</summary>
        public bool BirthDue { get { return _counters.BirthDue; } }

        /// <summary>The wake the owed birth reports.</summary>
        public WakeCause BirthWake { get { return _counters.BirthWake; } }

        /// <summary>A birth is owed (a pin wake, a connection that ended uncleanly) unless one already is; the caller saves it.</summary>
        public void OweBirth(WakeCause wake)
        {
            if (_counters.BirthDue) return;
            _counters.BirthDue = true;
            _counters.BirthWake = wake;
        }

        /// <summary>The broker acknowledged the birth: it is no longer owed (one journal write).</summary>
        public void OnBirthDelivered()
        {
            if (!_counters.BirthDue) return;
            _counters.BirthDue = false;
            _counters.BirthWake = WakeCause.PowerOn;
            _journal.SaveVitals(_counters);
        }

        /// <summary>The node woke from light sleep: the next wake-to-publish measurement starts at the next step.</summary>
        public void OnLightSleep()
        {
            _wakeStartDue = true;
            _measured = false;
            _wakeToPublish = null;
            _connectedAtMillis = -1;
        }

        /// <summary>Called at every step of the node: starts a wake's measurement after a light sleep, dates the reset once the clock is set.</summary>
        public void OnStep()
        {
            if (_wakeStartDue)
            {
                _wakeStartDue = false;
                _wakeStartMillis = _platform.Clock.UptimeMillis;
            }
            DateReset();
        }

        /// <summary>Connected: the heap is read here (and at boot and status), not at every step, as reading it may cost a collection.</summary>
        public void OnConnected(LinkTimings timings)
        {
            NoteHeap();
            if (_measured) return;
            _connectedAtMillis = _platform.Clock.UptimeMillis;
            _timings = timings;
        }

        /// <summary>The counters, saved by the caller with the link state (one record, no write of their own).</summary>
        public VitalsCounters Counters { get { return _counters; } }

        /// <summary>A connection failed or broke; the counters are saved with the link state the caller writes next.</summary>
        public void OnReconnectNeeded()
        {
            _counters.Reconnects++;
            _connectedAtMillis = -1;
        }

        /// <summary>The first PUBACK of the wake ends the wake-to-publish measurement.</summary>
        public void OnPublishAcked()
        {
            if (_measured || _connectedAtMillis < 0) return;
            _measured = true;
            long now = _platform.Clock.UptimeMillis;
            LinkTimings t = _timings ?? new LinkTimings();
            _wakeToPublish = new int[]
            {
                (int)(now - _wakeStartMillis), t.WifiJoinMillis, t.DhcpMillis, t.TlsHandshakeMillis, t.MqttConnectMillis,
                (int)(now - _connectedAtMillis),
            };
        }

        /// <summary>Boots and resets always; the measured vitals when <see cref="VitalsCadence"/> says this report carries them.</summary>
        public void Fill(NodeStatus s, int reportIntervalSeconds)
        {
            NoteHeap();
            var c = _counters;
            s.Boots = c.Boots;
            s.Brownouts = c.Brownouts;
            s.Watchdogs = c.Watchdogs;
            s.Panics = c.Panics;
            var clock = _platform.Clock;
            if (clock.IsTimeValid && !VitalsCadence.IsDue(clock.UnixTimeSeconds, reportIntervalSeconds)) return;
            s.Reconnects = c.Reconnects;
            s.HeapLowWater = c.HeapLowWater;
            s.UptimeSeconds = c.ResetUnixTime != 0 && clock.IsTimeValid ? clock.UnixTimeSeconds - c.ResetUnixTime : -1;
            s.WakeToPublish = _wakeToPublish;
        }

        /// <summary>
        /// Dates the reset boot once the clock is set (at once, or by SNTP at the first connection) by going back the
        /// uptime, which runs on from the boot until the first deep sleep; a run that began with a deep-sleep wake
        /// never dates an earlier reset, so its time stays unknown rather than wrong.
        /// </summary>
        private void DateReset()
        {
            var clock = _platform.Clock;
            if (!_resetUndated || !clock.IsTimeValid) return;
            _resetUndated = false;
            _counters.ResetUnixTime = (uint)(clock.UnixTimeSeconds - clock.UptimeMillis / 1000);
        }

        private void NoteHeap()
        {
            IMemoryGauge memory = _platform.Memory;
            if (memory == null) return;
            long free = memory.FreeBytes;
            if (free < 0) return;
            uint f = free > 0xFFFFFFF ? 0xFFFFFFF : (uint)free;
            if (_counters.HeapLowWater == 0 || f < _counters.HeapLowWater) _counters.HeapLowWater = f;
        }
    }
}
