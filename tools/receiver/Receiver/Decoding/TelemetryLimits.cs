namespace NodeFirmware.Receiver.Decoding;

/// <summary>The limits of telemetry batches (versions 1 and 2) that a receiver enforces (docs/formats/README.md).</summary>
public static class TelemetryLimits
{
    public const int SchemaVersion = 1;
    public const int PackedSchemaVersion = 2;

    public static bool IsSupported(long version) => version == SchemaVersion || version == PackedSchemaVersion;

    public const int MaxPayloadBytes = 16 * 1024;
    public const int MaxReadings = 512;
    public const int MaxChannels = 16;

    // Not in the formats doc: bounds that keep a hostile batch from costing memory or storage.
    public const int MaxDeviceIdLength = 64;
    public const int MaxChannelNameLength = 32;
    public const int MaxUnitLength = 16;
    public const int MaxFaultCodeLength = 64;
    public const int MinExponent = -12;
    public const int MaxExponent = 12;
    public const long MaxEpoch = uint.MaxValue;
    public const long MaxSequence = uint.MaxValue;
    public const long MaxUnixTime = uint.MaxValue;
}
