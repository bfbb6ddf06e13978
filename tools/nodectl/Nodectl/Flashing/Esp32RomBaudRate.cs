namespace NodeFirmware.Nodectl.Flashing;

/// <summary>
/// What to ask the ESP32 ROM loader's CHANGE_BAUDRATE for. The ROM derives the UART divider from the crystal
/// frequency it calibrated at boot against its drifting 8 MHz oscillator, rom_freq = cali_val * 15625 * ck8m / 40,
/// not from the real crystal (40 MHz, or 26 MHz on some modules), so the chip would run at baud * crystal / rom_freq.
/// Asking for baud * rom_freq / crystal makes it run at the rate wanted. Same computation as esptool's
/// targets/esp32.py (get_rom_cal_crystal_freq, change_baud).
/// </summary>
public static class Esp32RomBaudRate
{
    public static double RomCrystalHz(uint rtcCaliCfg1, uint efuseWord4)
    {
        uint cali = (rtcCaliCfg1 >> Esp32Registers.TIMERS_RTC_CALI_VALUE_S) & Esp32Registers.TIMERS_RTC_CALI_VALUE;
        uint ck8m = efuseWord4 & 0xFF;
        return cali * 15625.0 * ck8m / 40;
    }

    /// <summary>
    /// The CHANGE_BAUDRATE argument that makes the chip run at <paramref name="baudRate"/>. A chip that reports no
    /// calibration (0) gets the plain rate: the ROM could do nothing sensible with 0.
    /// </summary>
    public static uint Request(int baudRate, double romCrystalHz)
    {
        if (romCrystalHz <= 0)
        {
            return (uint)baudRate;
        }

        double crystal = romCrystalHz > 33e6 ? 40e6 : 26e6;
        return (uint)Math.Floor(baudRate * romCrystalHz / crystal);
    }
}
