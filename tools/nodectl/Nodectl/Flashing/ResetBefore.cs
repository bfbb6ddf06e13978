namespace NodeFirmware.Nodectl.Flashing;

/// <summary>How the chip gets into the ROM loader before SYNC (esptool's --before default_reset / no_reset).</summary>
public enum ResetBefore
{
    /// <summary>The DevKitC auto-reset circuit: DTR/RTS pull IO0 low while EN is released.</summary>
    DefaultReset,

    /// <summary>
    /// No DTR/RTS at all, for boards without the auto-reset circuit (or a port without modem lines): the chip must
    /// already be in download mode (BOOT held while EN is tapped), and it is not reset afterwards either.
    /// </summary>
    NoReset,
}
