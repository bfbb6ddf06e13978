using NodeFirmware.Receiver.Model;

namespace NodeFirmware.Receiver.Decoding;

/// <summary>A channel's header in a batch: its name, SenML unit and decimal exponent.</summary>
public sealed record ChannelColumn(string Name, string Unit, int Exponent);

/// <summary>A decoded telemetry batch, version 1 or 2 (Version says which the device sent).</summary>
public sealed record TelemetryBatch(
    int Version,
    string DeviceId,
    long Epoch,
    long FirstSequence,
    long FirstTime,
    IReadOnlyList<ChannelColumn> Channels,
    IReadOnlyList<DecodedReading> Readings);
