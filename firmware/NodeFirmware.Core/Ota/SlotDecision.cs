namespace NodeFirmware.Core.Ota
{
    /// <summary>What the Loader loads on this boot, and why; <see cref="Slot"/> is NoSlot when nothing can be loaded.</summary>
    public class SlotDecision
    {
        public int Slot = BootState.NoSlot;

        /// <summary>True when the slot runs as an unconfirmed trial.</summary>
        public bool Trial;

        /// <summary>The verified manifest of <see cref="Slot"/>: its files, in load order.</summary>
        public FirmwareManifest Manifest;

        /// <summary>What happened on the way (reverts, verification failures), for the boot log.</summary>
        public string Log = "";

        /// <summary>The boot state as persisted after the decision.</summary>
        public BootState State;
    }
}
