using NodeFirmware.Nodectl.Flashing;
using NodeFirmware.Nodectl.Provisioning;

namespace NodeFirmware.HilTests.Rig;

/// <summary>
/// One board on a test rig, as the scenarios see it: its power, its reset lines, its serial console, the
/// factory tools that flash and provision it, the air around its sensor and the network between it and the
/// broker where the rig can change them, and the receiver's store it reports into. A rig that cannot do
/// something says so in <see cref="Capabilities"/> and throws <see cref="RigCapabilityMissingException"/>.
/// </summary>
public interface IRig : IAsyncDisposable
{
    string Name { get; }

    RigCapabilities Capabilities { get; }

    /// <summary>The device id of the board (esp32-&lt;base MAC&gt;), known once it was flashed or provisioned.</summary>
    string? DeviceId { get; }

    Task PowerOnAsync();
    Task PowerOffAsync();
    Task PowerCycleAsync();

    /// <summary>EN pulsed with IO0 held low: the chip waits in the ROM serial loader.</summary>
    Task ResetIntoBootloaderAsync();

    /// <summary>EN pulsed with IO0 high: the chip boots the application from flash.</summary>
    Task ResetIntoApplicationAsync();

    /// <summary>Lines the board printed on its serial console so far.</summary>
    IReadOnlyList<string> ConsoleLines { get; }

    /// <summary>Flashes images through the ROM loader (nodectl's flashing code), then resets into the application.</summary>
    Task<FlashOutcome> FlashAsync(IReadOnlyList<FlashImage> images);

    /// <summary>Provisions the board over its serial port (nodectl's provisioner) and registers it with the receiver.</summary>
    Task<ProvisionResult> ProvisionAsync();

    /// <summary>Lets the board run: virtual time on the virtual rig, wall-clock time on a real rig.</summary>
    Task RunForAsync(TimeSpan duration);

    /// <summary>Sets the air the BME280 measures (a climate chamber on a real rig, the simulation on the virtual one).</summary>
    Task SetEnvironmentAsync(double temperatureC, double humidityPercent, double pressurePa);

    /// <summary>Connects or disconnects the BME280 from the board's I2C bus.</summary>
    Task SetSensorConnectedAsync(bool connected);

    /// <summary>Sets the battery's state of charge (0..1), e.g. a programmable supply's voltage on a real rig.</summary>
    Task SetBatteryChargeAsync(double charge);

    /// <summary>Cuts the board off the broker for <paramref name="duration"/> starting now (rig time).</summary>
    Task CutNetworkAsync(TimeSpan duration);

    /// <summary>Publishes the desired configuration (CBOR map) for the board, retained, as the cloud does.</summary>
    Task PublishConfigAsync(byte[] configCbor);

    /// <summary>The mean current the rig's power monitor measured over <paramref name="window"/>, in mA.</summary>
    Task<double> MeasureCurrentMilliampsAsync(TimeSpan window);

    /// <summary>What reached the receiver.</summary>
    IReceiverStoreView Store { get; }

    /// <summary>The cloud side: broker and receiver as the rig runs them (chaos and security probes).</summary>
    ICloudControl Cloud { get; }

    /// <summary>Offers a signed firmware package over OTA and lets the board install it.</summary>
    Task<OtaOutcome> OfferFirmwareAsync(byte[] signedPackage, OtaFault fault = OtaFault.None);
}
