using NodeFirmware.Receiver.Model;

namespace NodeFirmware.Receiver.Validation;

/// <summary>A batch that passed validation: its readings as records to store.</summary>
public sealed record ValidatedBatch(string DeviceId, long Epoch, IReadOnlyList<TelemetryRecord> Records, int? LastBatteryMillivolts);
