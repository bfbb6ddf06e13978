namespace NodeFirmware.Core.Storage
{
    /// <summary>
    /// What the node counts across boots for its vitals, kept in the journal's vitals record (with the link state,
    /// so counting costs no flash write of its own). Counts start at zero when the journal starts a new epoch.
    /// </summary>
    public class VitalsCounters
    {
        /// <summary>Boots from a reset (power-on, reset, brown-out, watchdog, panic); deep-sleep wakes are not boots.</summary>
        public uint Boots;
        public uint Brownouts;
        public uint Watchdogs;
        public uint Panics;

        /// <summary>Connections that failed or broke and had to be made again.</summary>
        public uint Reconnects;

        /// <summary>Lowest free heap seen since the journal's epoch began, in bytes; 0 = never measured.</summary>
        public uint HeapLowWater;

        /// <summary>Unix time of the last reset boot; 0 = not known (the clock was not set yet).</summary>
        public uint ResetUnixTime;

        public VitalsCounters Clone()
        {
            return (VitalsCounters)MemberwiseClone();
        }
    }
}
