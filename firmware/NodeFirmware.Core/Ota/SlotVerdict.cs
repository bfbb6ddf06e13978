namespace NodeFirmware.Core.Ota
{
    /// <summary>What the boot state knows about a slot's content (docs/formats/boot-state.md).</summary>
    public enum SlotVerdict
    {
        /// <summary>Nothing loadable: erased, or being written.</summary>
        Empty = 0,

        /// <summary>Verified and confirmed by a healthy run: a fallback the Loader may always use.</summary>
        Valid = 1,

        /// <summary>Verified after download, not yet confirmed: booted only while attempts remain.</summary>
        Trial = 2,

        /// <summary>Failed verification or was never confirmed: never loaded again.</summary>
        Invalid = 3,
    }
}
