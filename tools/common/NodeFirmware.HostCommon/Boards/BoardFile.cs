using System.Text.Json.Serialization;

namespace NodeFirmware.HostCommon.Boards;

/// <summary>One boards/*.json file as written: see docs/boards.md for every field.</summary>
public sealed class BoardFile
{
    public const int CurrentSchema = 1;

    [JsonRequired] public int Schema { get; set; }
    [JsonRequired] public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    [JsonRequired] public string Chip { get; set; } = "";
    public string Module { get; set; } = "";

    /// <summary>The nanoFramework firmware target to flash with nanoff (e.g. ESP32_REV3, ESP32_S3).</summary>
    [JsonRequired] public string NanoFrameworkTarget { get; set; } = "";
    [JsonRequired] public string NanoFrameworkTargetSource { get; set; } = "";
    [JsonRequired] public long FlashSizeBytes { get; set; }

    /// <summary>File name under bootloader-config/.</summary>
    [JsonRequired] public string PartitionTable { get; set; } = "";

    /// <summary>File name under bootloader-config/: which image is flashed where.</summary>
    [JsonRequired] public string FlashLayout { get; set; } = "";

    /// <summary>Budget for one application slot (Device.pe with Core, plus manifest): what the storage must fit twice.</summary>
    [JsonRequired] public long AppSizeBytes { get; set; }
    [JsonRequired] public string AppSizeSource { get; set; } = "";

    [JsonRequired] public Bme280Wiring Bme280 { get; set; } = new();

    /// <summary>Null when the board cannot measure a battery.</summary>
    public BatterySense? Battery { get; set; }

    /// <summary>GPIO of a user LED, null when the board has none.</summary>
    public int? LedPin { get; set; }
    public string LedSource { get; set; } = "";

    /// <summary>The input held at boot to enter factory (provisioning) mode.</summary>
    [JsonRequired] public FactoryPin FactoryPin { get; set; } = new();

    [JsonRequired] public PowerProfileFile PowerProfile { get; set; } = new();
}

public sealed class Bme280Wiring
{
    /// <summary>nanoFramework I2C bus id (1 = I2C1).</summary>
    [JsonRequired] public int I2cBus { get; set; }
    [JsonRequired] public int SdaPin { get; set; }
    [JsonRequired] public int SclPin { get; set; }

    /// <summary>"0x76" (SDO to GND) or "0x77" (SDO to VDDIO).</summary>
    [JsonRequired] public string Address { get; set; } = "";
    [JsonRequired] public string Source { get; set; } = "";
}

public sealed class FactoryPin
{
    [JsonRequired] public int Gpio { get; set; }

    /// <summary>True when the pin reads low while held (a button to GND with a pull-up).</summary>
    [JsonRequired] public bool ActiveLow { get; set; }
    [JsonRequired] public string Source { get; set; } = "";
}

public sealed class BatterySense
{
    [JsonRequired] public int AdcPin { get; set; }

    /// <summary>Battery voltage / voltage at the pin (2.0 for two equal resistors).</summary>
    [JsonRequired] public double DividerRatio { get; set; }
    [JsonRequired] public string Source { get; set; } = "";
}

/// <summary>A number and where it comes from (datasheet section, measurement, or "estimate: why").</summary>
public sealed class SourcedNumber
{
    [JsonRequired] public double Value { get; set; }
    [JsonRequired] public string Source { get; set; } = "";
}

/// <summary>Every field of Core's <see cref="NodeFirmware.Core.Energy.PowerProfile"/>, each with its source.</summary>
public sealed class PowerProfileFile
{
    [JsonRequired] public SourcedNumber BootMilliseconds { get; set; } = new();
    [JsonRequired] public SourcedNumber BootMilliamps { get; set; } = new();
    [JsonRequired] public SourcedNumber SampleMilliseconds { get; set; } = new();
    [JsonRequired] public SourcedNumber SampleMilliamps { get; set; } = new();
    [JsonRequired] public SourcedNumber WifiConnectMilliseconds { get; set; } = new();
    [JsonRequired] public SourcedNumber WifiConnectMilliamps { get; set; } = new();
    [JsonRequired] public SourcedNumber DhcpMilliseconds { get; set; } = new();
    [JsonRequired] public SourcedNumber TlsHandshakeMilliseconds { get; set; } = new();
    [JsonRequired] public SourcedNumber TlsHandshakeMilliamps { get; set; } = new();
    [JsonRequired] public SourcedNumber PublishMillisecondsPerMessage { get; set; } = new();
    [JsonRequired] public SourcedNumber PublishMillisecondsPerKilobyte { get; set; } = new();
    [JsonRequired] public SourcedNumber RadioActiveMilliamps { get; set; } = new();
    [JsonRequired] public SourcedNumber LightSleepMilliamps { get; set; } = new();
    [JsonRequired] public SourcedNumber DeepSleepMilliamps { get; set; } = new();
    [JsonRequired] public SourcedNumber BatteryCapacityMilliampHours { get; set; } = new();
    [JsonRequired] public SourcedNumber BatteryUsableFraction { get; set; } = new();

    /// <summary>The fields by their JSON names, for validation and listing.</summary>
    public IEnumerable<(string Name, SourcedNumber Number)> Fields()
    {
        yield return ("bootMilliseconds", BootMilliseconds);
        yield return ("bootMilliamps", BootMilliamps);
        yield return ("sampleMilliseconds", SampleMilliseconds);
        yield return ("sampleMilliamps", SampleMilliamps);
        yield return ("wifiConnectMilliseconds", WifiConnectMilliseconds);
        yield return ("wifiConnectMilliamps", WifiConnectMilliamps);
        yield return ("dhcpMilliseconds", DhcpMilliseconds);
        yield return ("tlsHandshakeMilliseconds", TlsHandshakeMilliseconds);
        yield return ("tlsHandshakeMilliamps", TlsHandshakeMilliamps);
        yield return ("publishMillisecondsPerMessage", PublishMillisecondsPerMessage);
        yield return ("publishMillisecondsPerKilobyte", PublishMillisecondsPerKilobyte);
        yield return ("radioActiveMilliamps", RadioActiveMilliamps);
        yield return ("lightSleepMilliamps", LightSleepMilliamps);
        yield return ("deepSleepMilliamps", DeepSleepMilliamps);
        yield return ("batteryCapacityMilliampHours", BatteryCapacityMilliampHours);
        yield return ("batteryUsableFraction", BatteryUsableFraction);
    }
}
