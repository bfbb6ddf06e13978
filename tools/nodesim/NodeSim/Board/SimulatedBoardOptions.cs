using NodeSim.RomBootloader;

namespace NodeSim.Board;

/// <summary>A whole simulated ESP32 board: the chip's ROM options, the firmware's version and how its boot paces.</summary>
public sealed record SimulatedBoardOptions
{
    public SimulatedRomOptions Rom { get; init; } = new();

    /// <summary>
    /// The built-in firmware's version (major.minor.patch[+build], as OTA compares them): reported in HELLO and the boot
    /// text until an update installed another.
    /// </summary>
    public string FirmwareVersion { get; init; } = "1.0.0";

    /// <summary>
    /// The signed application package (nodectl firmware sign) the factory put into slot A of the config partition, with a
    /// boot state naming it: the firmware writes it there at a boot that finds no boot state and an empty slot B (a new or
    /// erased flash; <see cref="ConfigPartition.InstallFactoryImage"/>), as the factory's programming would. From then on every boot of the node goes through
    /// the Loader's slot choice, so a failed trial rolls back to this image. Null: slot A stays empty and
    /// <see cref="FirmwareVersion"/> runs as a confirmed slot A without a Loader until an update writes a boot state.
    /// </summary>
    public byte[]? FactoryImage { get; init; }

    /// <summary>
    /// How long a boot that found nothing to run waits before the chip resets itself (the RTC watchdog after the ROM's
    /// "invalid header" lines, the bootloader's reset after "No bootable app partitions"). Zero: no restart.
    /// </summary>
    public TimeSpan FailedBootRestart { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Whether a board that holds a committed identity passes the console UART's bytes to Core's provisioning session
    /// (<see cref="Provisioning.VirtualProvisioningNode"/>, which answers in the boot's re-entry window only). False: firmware
    /// without that window, which runs the node at once and never answers provisioning.
    /// </summary>
    public bool ProvisionedAnswers { get; init; } = true;

    /// <summary>
    /// How much later than the firmware's start the re-entry window's clock starts (Core's <see cref="NodeFirmware.Core.Provisioning.ReentryWindow"/>
    /// then runs as on the device). A board simulated on a busy host can be scheduled seconds late between its reset and
    /// the host's HELLO, which a real chip never is; zero gives the device's exact timing.
    /// </summary>
    public TimeSpan ReentryWindowSlack { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// What a provisioned board runs once its re-entry window closed (<see cref="BoardNode"/>: the virtual node with the
    /// identity from the board's flash, against the broker its bundle names). Null: the firmware runs and does nothing.
    /// </summary>
    public BoardNodeOptions? Node { get; init; }

    /// <summary>
    /// The part on the board's I2C bus at 0x76, by the id its register 0xD0 answers: 0x60, the BME280 the firmware is
    /// written for; another id (0x58, a BMP280) for a board fitted with the wrong part; null for a board without one (no
    /// acknowledge). The factory self-test (SELF_TEST) reads it; the running node has no sensor unless it is the BME280.
    /// </summary>
    public int? SensorChipId { get; init; } = NodeSim.Sensors.Bme280Registers.ChipIdValue;

    /// <summary>How often the firmware looks whether its re-entry window closed while nothing arrives on the UART.</summary>
    public TimeSpan WindowPollInterval { get; init; } = TimeSpan.FromMilliseconds(200);
}
