using NodeFirmware.Receiver.Decoding;
using NodeFirmware.Receiver.Model;

namespace NodeFirmware.Receiver.Storage;

/// <summary>Readings of one received message, with when the receiver got it.</summary>
public sealed record ReceivedTelemetry(string DeviceId, IReadOnlyList<TelemetryRecord> Records, int? BatteryMillivolts, DateTimeOffset ReceivedAt);

/// <summary>A payload that was not stored, kept byte for byte with the reason.</summary>
public sealed record QuarantineEntry(long Id, DateTimeOffset ReceivedAt, string Topic, string Reason, string Message, byte[] Payload);

/// <summary>A status message of a device; <paramref name="Delivery"/> null: not known, always stored as a new sample.</summary>
public sealed record StatusUpdate(string DeviceId, DeviceStatus Status, DateTimeOffset ReceivedAt, StatusDelivery? Delivery = null);

/// <summary>Everything one commit writes: the store applies all of it in one transaction, or none of it.</summary>
public sealed class WriteBatch
{
    public List<ReceivedTelemetry> Telemetry { get; } = new();
    public List<QuarantineEntry> Quarantine { get; } = new();
    public List<StatusUpdate> Statuses { get; } = new();

    public bool IsEmpty => Telemetry.Count == 0 && Quarantine.Count == 0 && Statuses.Count == 0;
    public int ReadingCount => Telemetry.Sum(t => t.Records.Count);
}

/// <summary>What a commit did: readings inserted, readings ignored because their key was already stored.</summary>
public readonly record struct WriteResult(int Inserted, int Duplicates, int Quarantined, int Statuses);

/// <summary>Quarantine entries removed by retention: by age, and by the entry and byte limits.</summary>
public readonly record struct QuarantinePruned(long ByAge, long BySize);
