using NodeFirmware.Receiver.Model;

namespace NodeFirmware.Receiver.Storage;

/// <summary>
/// The receiver's storage. Readings are unique on (device, epoch, sequence): writing a key again is ignored and
/// counted as a duplicate. <see cref="WriteAsync"/> is one transaction; when it returns, the data is durable,
/// and only then does the ingest acknowledge the messages to the broker.
/// </summary>
public interface ITelemetryStore : IAsyncDisposable
{
    /// <summary>Creates or upgrades the schema. Safe to call on every start, by several receivers at once.</summary>
    Task MigrateAsync(CancellationToken ct = default);

    Task<WriteResult> WriteAsync(WriteBatch batch, CancellationToken ct = default);

    // Device registry.
    Task RegisterDeviceAsync(DeviceRegistration registration, DateTimeOffset at, CancellationToken ct = default);
    Task<bool> RevokeDeviceAsync(string deviceId, DateTimeOffset at, CancellationToken ct = default);
    Task<DeviceRecord?> GetDeviceAsync(string deviceId, CancellationToken ct = default);
    Task<IReadOnlyList<DeviceRecord>> ListDevicesAsync(CancellationToken ct = default);

    /// <summary>
    /// At most <paramref name="limit"/> devices whose id sorts after <paramref name="after"/> (null: from the first), in
    /// the store's order of ids; the next page starts after the last id of this one, so every device is listed once.
    /// </summary>
    Task<IReadOnlyList<DeviceRecord>> ListDevicesPageAsync(string? after, int limit, CancellationToken ct = default);

    // Queries.
    Task<IReadOnlyList<ChannelBucket>> QueryBucketsAsync(string deviceId, long from, long to, int bucketSeconds, CancellationToken ct = default);
    Task<IReadOnlyList<StoredReading>> QueryReadingsAsync(string deviceId, long from, long to, int limit, CancellationToken ct = default);
    Task<long> CountReadingsAsync(string? deviceId = null, CancellationToken ct = default);
    Task<IReadOnlyList<QuarantineEntry>> ListQuarantineAsync(int limit, CancellationToken ct = default);
    Task<StoreCounts> GetCountsAsync(CancellationToken ct = default);

    /// <summary>Deletes quarantine entries received before <paramref name="olderThan"/>, then the oldest beyond the newest
    /// <paramref name="maxEntries"/> and beyond <paramref name="maxBytes"/> of payload.</summary>
    Task<QuarantinePruned> PruneQuarantineAsync(DateTimeOffset olderThan, int maxEntries, long maxBytes, CancellationToken ct = default);

    // Commands and OTA outcomes, recorded by the command and OTA services for the SLIs.
    Task RecordCommandSentAsync(string commandId, string deviceId, DateTimeOffset at, CancellationToken ct = default);
    Task<bool> RecordCommandAckAsync(string commandId, bool ok, DateTimeOffset at, CancellationToken ct = default);
    Task RecordOtaOutcomeAsync(string campaign, string deviceId, bool succeeded, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>Vitals samples received in [fromMs, toMs), oldest first, at most <paramref name="limit"/>; every device when <paramref name="deviceId"/> is null.</summary>
    Task<IReadOnlyList<Vitals.VitalsSample>> QueryVitalsAsync(string? deviceId, long fromMs, long toMs, int limit, CancellationToken ct = default);

    /// <summary>
    /// A group's vitals in one query: each listed device's samples received in [its window's FromMs, <paramref name="toMs"/>),
    /// ordered by device id and then oldest first, at most <paramref name="limit"/> in all.
    /// </summary>
    Task<IReadOnlyList<Vitals.VitalsSample>> QueryCohortVitalsAsync(IReadOnlyList<Vitals.VitalsWindow> devices, long toMs, int limit,
        CancellationToken ct = default);
}
