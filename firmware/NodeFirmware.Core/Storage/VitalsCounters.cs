using NodeFirmware.Core.Hal;

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

        /// <summary>
        /// The retained "online" birth is owed: set by a reset boot, a pin wake or an unclean disconnect, cleared once the
        /// broker acknowledged the birth. Kept here so that it survives deep sleep until a connection delivers it.
        /// </summary>
        public bool BirthDue;

        /// <summary>The wake the owed birth reports: the reset (or pin wake, or the wake of the lost connection) that made it due.</summary>
        public WakeCause BirthWake;

        public VitalsCounters Clone()
        {
            return (VitalsCounters)MemberwiseClone();
        }
    }
}
