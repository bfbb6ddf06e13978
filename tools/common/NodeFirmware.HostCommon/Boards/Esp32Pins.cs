namespace NodeFirmware.HostCommon.Boards;

/// <summary>What the original ESP32's GPIOs can do (ESP32 datasheet, "Pin Definitions" and "Peripheral Pin Configurations").</summary>
public static class Esp32Pins
{
    /// <summary>GPIO numbers that exist on the ESP32 (0-19, 21-23, 25-27, 32-39).</summary>
    public static bool Exists(int gpio) =>
        (gpio >= 0 && gpio <= 19) || (gpio >= 21 && gpio <= 23) || (gpio >= 25 && gpio <= 27) || (gpio >= 32 && gpio <= 39);

    /// <summary>GPIO6-11 carry the SPI flash on WROOM/WROVER modules.</summary>
    public static bool IsFlashPin(int gpio) => gpio >= 6 && gpio <= 11;

    /// <summary>GPIO34-39 are input only: no output driver, no pull-ups.</summary>
    public static bool IsInputOnly(int gpio) => gpio >= 34 && gpio <= 39;

    /// <summary>ADC1 channel of a GPIO, or -1. ADC2 cannot be used while Wi-Fi is on, so only ADC1 counts.</summary>
    public static int Adc1Channel(int gpio) => gpio switch
    {
        36 => 0, 37 => 1, 38 => 2, 39 => 3, 32 => 4, 33 => 5, 34 => 6, 35 => 7,
        _ => -1,
    };
}
