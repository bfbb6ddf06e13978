using NodeFirmware.Receiver.Decoding;

namespace NodeFirmware.Receiver.Vitals;

/// <summary>
/// The vitals of one status message as stored: counters are the device's running totals since its journal's epoch.
/// <see cref="Pending"/> is the journal backlog the status reported (readings not yet acknowledged); null in a sample an
/// earlier receiver stored without it.
/// </summary>
public sealed record VitalsSample(
    string DeviceId,
    long ReceivedAtMs,
    string Firmware,
    string State,
    int? BatteryMillivolts,
    long Boots,
    long Brownouts,
    long Watchdogs,
    long Panics,
    long? UptimeSeconds,
    long? Reconnects,
    long? HeapLowWaterBytes,
    WakeToPublish? WakeToPublish,
    long? Pending = null);
