namespace NodeFirmware.Receiver.Decoding;

/// <summary>A decoded status message, version 1. Only v and state are always present (the last will has just those).</summary>
public sealed record DeviceStatus(
    string State,
    string? Firmware = null,
    string? Slot = null,
    bool? Trial = null,
    long? Epoch = null,
    string? Wake = null,
    int? BatteryMillivolts = null,
    string? PowerMode = null,
    long? Pending = null,
    long? Dropped = null,
    long? ConfigRevision = null,
    long? SleepUntil = null,
    DeviceVitals? Vitals = null);
