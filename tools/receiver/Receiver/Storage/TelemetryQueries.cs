using NodeFirmware.Receiver.Model;

namespace NodeFirmware.Receiver.Storage;

/// <summary>One bucket of one channel: the aggregate of the values whose time falls in [Start, Start + bucket).</summary>
public sealed record ChannelBucket(string Channel, string Unit, long Start, long Count, double Average, double Min, double Max);

/// <summary>A stored reading read back.</summary>
public sealed record StoredReading(ReadingKey Key, long Time, long DeviceTime, TimeSource TimeSource, string? Fault, IReadOnlyList<ChannelValue> Values);

/// <summary>Totals the SLIs and the metrics are computed from.</summary>
public sealed record StoreCounts(
    long Readings,
    long DuplicatesIgnored,
    IReadOnlyDictionary<string, long> QuarantinedByReason,
    long CommandsSent,
    long CommandsAcked,
    long CommandsSucceeded,
    long OtaFinished,
    long OtaSucceeded);
