namespace NodeFirmware.HostCommon.Boards;

/// <summary>What a chip's GPIOs can do, for validating the pins a board file names.</summary>
public abstract class ChipPins
{
    public abstract string Chip { get; }
    public abstract bool Exists(int gpio);

    /// <summary>Pins wired to the module's SPI flash (or octal PSRAM) that a board must not use.</summary>
    public abstract bool IsFlashPin(int gpio);

    /// <summary>Pins without an output driver.</summary>
    public abstract bool IsInputOnly(int gpio);

    /// <summary>ADC1 channel of a GPIO, or -1. ADC2 cannot be read while Wi-Fi is on, so only ADC1 counts.</summary>
    public abstract int Adc1Channel(int gpio);

    /// <summary>Describes the ADC1 pins in an error message.</summary>
    public abstract string Adc1Pins { get; }

    public static readonly ChipPins Esp32 = new Esp32ChipPins();
    public static readonly ChipPins Esp32S3 = new Esp32S3ChipPins();

    /// <summary>The chips board files may name, by their "chip" value.</summary>
    public static IReadOnlyList<ChipPins> All { get; } = new[] { Esp32, Esp32S3 };

    public static ChipPins? For(string chip) => All.FirstOrDefault(c => c.Chip == chip);

    private sealed class Esp32ChipPins : ChipPins
    {
        public override string Chip => "esp32";
        public override bool Exists(int gpio) => Esp32Pins.Exists(gpio);
        public override bool IsFlashPin(int gpio) => Esp32Pins.IsFlashPin(gpio);
        public override bool IsInputOnly(int gpio) => Esp32Pins.IsInputOnly(gpio);
        public override int Adc1Channel(int gpio) => Esp32Pins.Adc1Channel(gpio);
        public override string Adc1Pins => "32-39";
    }

    private sealed class Esp32S3ChipPins : ChipPins
    {
        public override string Chip => "esp32s3";
        public override bool Exists(int gpio) => Esp32S3Pins.Exists(gpio);
        public override bool IsFlashPin(int gpio) => Esp32S3Pins.IsFlashPin(gpio);
        public override bool IsInputOnly(int gpio) => false;
        public override int Adc1Channel(int gpio) => Esp32S3Pins.Adc1Channel(gpio);
        public override string Adc1Pins => "1-10";
    }
}
