namespace NodeFirmware.Core.Hal
{
    /// <summary>Why the node is running now.</summary>
    public enum WakeCause
    {
        PowerOn = 0,
        DeepSleepTimer = 1,
        DeepSleepPin = 2,
        Reset = 3,
        Watchdog = 4,
        Brownout = 5,
        Unknown = 6,

        /// <summary>The firmware crashed (an unhandled exception or a CPU fault) and the chip restarted itself.</summary>
        Panic = 7,
    }
}
