namespace NodeFirmware.Nodectl.Flashing;

/// <summary>
/// The DTR/RTS sequences of the usual ESP32 auto-reset circuit: RTS asserted pulls EN (reset) low, DTR asserted
/// pulls IO0 (boot strap) low, and asserting both pulls neither.
/// </summary>
public static class BootloaderReset
{
    /// <summary>EN low, then EN released while IO0 is low (the chip samples IO0 = download mode), then IO0 released.</summary>
    public static void IntoBootloader(ISerialLink link, TimeSpan hold, TimeSpan delay, Action<TimeSpan> sleep)
    {
        link.SetSignals(dtr: false, rts: true);   // IO0 high, EN low: chip held in reset
        sleep(hold);
        link.SetSignals(dtr: true, rts: false);   // IO0 low, EN released: boots into the ROM loader
        sleep(delay);
        link.SetSignals(dtr: false, rts: false);  // IO0 released
    }

    /// <summary>Pulses EN with IO0 high, so the chip boots from flash.</summary>
    public static void HardReset(ISerialLink link, TimeSpan hold, Action<TimeSpan> sleep)
    {
        link.SetSignals(dtr: false, rts: true);
        sleep(hold);
        link.SetSignals(dtr: false, rts: false);
    }
}
