using NodeFirmware.Core.Hal;

namespace NodeFirmware.Core.Provisioning
{
    /// <summary>What the host does after polling a <see cref="ReentryWindow"/>.</summary>
    public enum ReentryStep
    {
        /// <summary>Keep feeding the UART to the session.</summary>
        Listen = 0,
        /// <summary>The window closed untouched (or only HELLO was asked): boot the node with the identity read at boot.</summary>
        RunNode = 1,
        /// <summary>A signed FACTORY_RESET erased the identity: stay in provisioning mode with the same session.</summary>
        Provision = 2,
        /// <summary>REBOOT was asked: send the reply, then restart.</summary>
        Reboot = 3,
    }

    /// <summary>
    /// The short listening window a provisioned device opens on the provisioning UART at a boot that is not a
    /// deep-sleep wake (docs/provisioning.md, "Re-provisioning and revocation"). Open for <see cref="QuietMillis"/>
    /// after it opens and after each request the session answered, never longer than <see cref="MaxMillis"/> in all,
    /// so a chattering line cannot keep the node from running. Only power-on and reset boots pay for it: a node on
    /// a sleep timer wakes many times an hour, and 1.5 s awake with the CPU and UART on at each wake would cost more
    /// than the whole measurement; a reset is rare (a bench, a battery change).
    /// </summary>
    public class ReentryWindow
    {
        /// <summary>How long the window stays open with no request (long enough for a host that already has its key loaded).</summary>
        public const int QuietMillis = 1500;

        /// <summary>The window closes this long after it opened whatever arrives, unless a reset took it into provisioning mode.</summary>
        public const int MaxMillis = 20000;

        private readonly ProvisioningSession _session;
        private readonly long _openedAt;
        private long _lastRequestAt;
        private int _requestsSeen;

        public ReentryWindow(ProvisioningSession session, long nowMillis)
        {
            if (session == null) throw new System.ArgumentNullException("session");
            _session = session;
            _openedAt = nowMillis;
            _lastRequestAt = nowMillis;
            _requestsSeen = session.RequestsHandled;
        }

        /// <summary>True for boots a person causes (power-on, EN reset, and what the chip cannot tell from them); false for deep-sleep wakes.</summary>
        public static bool OpensOn(WakeCause cause)
        {
            return cause != WakeCause.DeepSleepTimer && cause != WakeCause.DeepSleepPin;
        }

        /// <summary>Call after feeding received bytes to the session, and while the line is idle.</summary>
        public ReentryStep Poll(long nowMillis)
        {
            if (_session.RebootRequested) return ReentryStep.Reboot;
            if (_session.ResetPerformed) return ReentryStep.Provision;
            if (_session.RequestsHandled != _requestsSeen)
            {
                _requestsSeen = _session.RequestsHandled;
                _lastRequestAt = nowMillis;
            }
            if (nowMillis - _openedAt >= MaxMillis) return ReentryStep.RunNode;
            return nowMillis - _lastRequestAt >= QuietMillis ? ReentryStep.RunNode : ReentryStep.Listen;
        }
    }
}
