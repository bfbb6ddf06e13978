namespace NodeFirmware.HostCommon.Boards;

/// <summary>What the ESP32-S3's GPIOs can do (ESP32-S3 datasheet, "Pin Overview" and "IO MUX and GPIO Matrix").</summary>
public static class Esp32S3Pins
{
    /// <summary>GPIO0-21 and GPIO26-48 exist on the ESP32-S3 (there is no GPIO22-25).</summary>
    public static bool Exists(int gpio) => (gpio >= 0 && gpio <= 21) || (gpio >= 26 && gpio <= 48);

    /// <summary>
    /// GPIO26-32 carry the quad SPI flash/PSRAM on WROOM-1 modules; GPIO33-37 additionally carry octal flash or
    /// PSRAM on the R8/R16V variants (ESP32-S3-WROOM-1 datasheet, pin description). A board file must avoid all of them.
    /// </summary>
    public static bool IsFlashPin(int gpio) => gpio >= 26 && gpio <= 37;

    /// <summary>ADC1 is GPIO1-10 (channels 0-9); ADC2 (GPIO11-20) is shared with Wi-Fi.</summary>
    public static int Adc1Channel(int gpio) => gpio >= 1 && gpio <= 10 ? gpio - 1 : -1;
}
