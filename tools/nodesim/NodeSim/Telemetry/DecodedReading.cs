namespace NodeSim.Telemetry;

/// <summary>One reading of a telemetry batch, expanded: its idempotency key, time and channel values in their units.</summary>
public sealed record DecodedReading(string Device, uint Epoch, uint Sequence, long UnixTime, IReadOnlyDictionary<string, (double Value, string Unit)> Channels);
