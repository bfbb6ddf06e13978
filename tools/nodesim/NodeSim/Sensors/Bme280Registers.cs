namespace NodeSim.Sensors;

/// <summary>BME280 register map and bit fields, named after the Bosch datasheet (BST-BME280-DS002).</summary>
public static class Bme280Registers
{
    public const byte Calib00 = 0x88;
    public const byte Calib25 = 0xA1;
    public const byte Id = 0xD0;
    public const byte Reset = 0xE0;
    public const byte Calib26 = 0xE1;
    public const byte Calib41 = 0xF0;
    public const byte CtrlHum = 0xF2;
    public const byte Status = 0xF3;
    public const byte CtrlMeas = 0xF4;
    public const byte Config = 0xF5;
    public const byte PressMsb = 0xF7;
    public const byte PressLsb = 0xF8;
    public const byte PressXlsb = 0xF9;
    public const byte TempMsb = 0xFA;
    public const byte TempLsb = 0xFB;
    public const byte TempXlsb = 0xFC;
    public const byte HumMsb = 0xFD;
    public const byte HumLsb = 0xFE;

    public const byte ChipIdValue = 0x60;
    public const byte ResetCommand = 0xB6;

    public const int Calib00Length = Calib25 - Calib00 + 1; // 26
    public const int Calib26Length = Calib41 - Calib26 + 1; // 16

    // status
    public const byte StatusMeasuring = 1 << 3;
    public const byte StatusImUpdate = 1 << 0;

    // ctrl_hum
    public const byte OsrsHMask = 0b0000_0111;

    // ctrl_meas: osrs_t[7:5] osrs_p[4:2] mode[1:0]
    public const int OsrsTShift = 5;
    public const int OsrsPShift = 2;
    public const byte OsrsMask = 0b111;
    public const byte ModeMask = 0b11;
    public const byte ModeSleep = 0b00;
    public const byte ModeForced = 0b01;
    public const byte ModeNormal = 0b11;

    // config: t_sb[7:5] filter[4:2] spi3w_en[0]
    public const int TsbShift = 5;
    public const int FilterShift = 2;
    public const byte ConfigMask = 0b1111_1101; // bit 1 is reserved

    /// <summary>Values the data registers hold after reset and when a measurement is skipped.</summary>
    public const int SkippedTP = 0x80000;
    public const int SkippedH = 0x8000;

    /// <summary>Oversampling multiplier for an osrs_x field (0 = skipped).</summary>
    public static int OversamplingFactor(int osrs) => osrs switch
    {
        0 => 0,
        1 => 1,
        2 => 2,
        3 => 4,
        4 => 8,
        _ => 16,
    };

    /// <summary>t_standby in milliseconds for config.t_sb (BME280 table 27).</summary>
    public static double StandbyMs(int tsb) => tsb switch
    {
        0 => 0.5,
        1 => 62.5,
        2 => 125,
        3 => 250,
        4 => 500,
        5 => 1000,
        6 => 10,
        _ => 20,
    };

    /// <summary>IIR filter coefficient for config.filter (0 = off).</summary>
    public static int FilterCoefficient(int filter) => filter switch
    {
        0 => 0,
        1 => 2,
        2 => 4,
        3 => 8,
        _ => 16,
    };
}
