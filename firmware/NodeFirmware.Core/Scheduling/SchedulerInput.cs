using NodeFirmware.Core.Config;

namespace NodeFirmware.Core.Scheduling
{
    /// <summary>Everything the scheduler decides from. Times are Unix seconds.</summary>
    public struct SchedulerInput
    {
        public long Now;
        public DeviceConfig Config;

        /// <summary>-1 when the board cannot measure its battery.</summary>
        public int BatteryMillivolts;

        public int Pending;
        public int Capacity;

        /// <summary>When the last reading was taken; 0 = never.</summary>
        public long LastSampleTime;

        /// <summary>When the oldest unreleased reading was taken (meaningful when Pending &gt; 0).</summary>
        public long OldestPendingTime;

        /// <summary>Back-off: no connection attempt before this time (0 = no back-off).</summary>
        public long NextLinkAttemptTime;

        /// <summary>True when the last flush in this wake failed: do not try again before sleeping.</summary>
        public bool LinkFailedThisWake;
    }
}
