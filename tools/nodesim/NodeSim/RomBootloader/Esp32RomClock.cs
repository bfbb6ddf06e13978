namespace NodeSim.RomBootloader;

/// <summary>
/// The ESP32's UART clocking as the ROM loader sets it up. The APB clock that drives the UART is the 40 MHz
/// crystal, but the ROM does not know the crystal: at boot it measures it against the internal 8 MHz oscillator
/// and computes rom_freq = cali_val * 15625 * ck8m / 40 (cali_val = RTCCALICFG1 bits 31..7, ck8m = eFuse word 4
/// bits 7..0; esptool's targets/esp32.py get_rom_cal_crystal_freq). The oscillator drifts, so rom_freq is off by
/// a few per cent, and a divider the ROM computes from it (CHANGE_BAUDRATE) runs the UART at
/// baud * 40 MHz / rom_freq. UART_CLKDIV holds the divider in 1/16 steps: integer part in bits 19..0, fraction in
/// bits 23..20 (ESP32 TRM, UART chapter).
/// </summary>
public sealed class Esp32RomClock
{
    public const double CrystalHz = 40_000_000;

    /// <summary>How far apart two UART rates may be for bytes to pass: about 2.5 % (half a bit over a 10-bit frame, shared by both ends).</summary>
    public const double UartTolerance = 0.025;

    public Esp32RomClock(double romEstimateHz, byte ck8mFreqEfuse)
    {
        if (ck8mFreqEfuse == 0)
        {
            throw new ArgumentException("the CK8M eFuse byte must not be 0: the ROM would compute a crystal of 0 Hz", nameof(ck8mFreqEfuse));
        }

        Ck8mFreqEfuse = ck8mFreqEfuse;
        CalibrationValue = (uint)Math.Round(romEstimateHz * 40 / (15625.0 * ck8mFreqEfuse));
        if (CalibrationValue == 0 || CalibrationValue > 0x1FFFFFF)
        {
            throw new ArgumentOutOfRangeException(nameof(romEstimateHz), $"{romEstimateHz} Hz does not fit the 25-bit calibration value");
        }
    }

    public byte Ck8mFreqEfuse { get; }

    /// <summary>TIMERS_RTC_CALI_VALUE as the ROM left it (25 bits).</summary>
    public uint CalibrationValue { get; }

    /// <summary>The crystal frequency the ROM believes in, exactly as computed from the two registers.</summary>
    public double RomFrequencyHz => CalibrationValue * 15625.0 * Ck8mFreqEfuse / 40;

    /// <summary>TIMG_RTCCALICFG1 (0x3FF5F06C): the calibration value in bits 31..7, the low bits reserved (0).</summary>
    public uint RtcCaliCfg1 => CalibrationValue << 7;

    /// <summary>The divider (in 1/16) the ROM programs for <paramref name="baud"/>, believing the clock is <paramref name="clockHz"/>.</summary>
    public static uint DividerX16(double clockHz, double baud) => (uint)Math.Max(16, Math.Round(clockHz * 16 / baud));

    /// <summary>The rate the UART really runs at with that divider: the APB clock is the real crystal.</summary>
    public static double BaudOf(uint dividerX16) => CrystalHz * 16 / dividerX16;

    public static uint ClkDivRegister(uint dividerX16) => (dividerX16 >> 4) | ((dividerX16 & 0xF) << 20);

    public static uint DividerX16FromRegister(uint clkdiv) => ((clkdiv & 0xFFFFF) << 4) | ((clkdiv >> 20) & 0xF);

    public static bool RatesMatch(double chipBaud, double hostBaud) =>
        hostBaud > 0 && Math.Abs(chipBaud / hostBaud - 1) <= UartTolerance;
}
