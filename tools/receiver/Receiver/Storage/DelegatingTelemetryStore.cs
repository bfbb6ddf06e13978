using NodeFirmware.Receiver.Model;

namespace NodeFirmware.Receiver.Storage;

/// <summary>A store that passes every call to another; a decorator overrides only what it changes.</summary>
public abstract class DelegatingTelemetryStore(ITelemetryStore inner) : ITelemetryStore
{
    protected ITelemetryStore Inner { get; } = inner;

    public virtual Task MigrateAsync(CancellationToken ct = default) => Inner.MigrateAsync(ct);
    public virtual Task<WriteResult> WriteAsync(WriteBatch batch, CancellationToken ct = default) => Inner.WriteAsync(batch, ct);
    public virtual Task RegisterDeviceAsync(DeviceRegistration registration, DateTimeOffset at, CancellationToken ct = default) =>
        Inner.RegisterDeviceAsync(registration, at, ct);
    public virtual Task<bool> RevokeDeviceAsync(string deviceId, DateTimeOffset at, CancellationToken ct = default) => Inner.RevokeDeviceAsync(deviceId, at, ct);
    public virtual Task<DeviceRecord?> GetDeviceAsync(string deviceId, CancellationToken ct = default) => Inner.GetDeviceAsync(deviceId, ct);
    public virtual Task<IReadOnlyList<DeviceRecord>> ListDevicesAsync(CancellationToken ct = default) => Inner.ListDevicesAsync(ct);
    public virtual Task<IReadOnlyList<DeviceRecord>> ListDevicesPageAsync(string? after, int limit, CancellationToken ct = default) =>
        Inner.ListDevicesPageAsync(after, limit, ct);
    public virtual Task<IReadOnlyList<ChannelBucket>> QueryBucketsAsync(string deviceId, long from, long to, int bucketSeconds, CancellationToken ct = default) =>
        Inner.QueryBucketsAsync(deviceId, from, to, bucketSeconds, ct);
    public virtual Task<IReadOnlyList<StoredReading>> QueryReadingsAsync(string deviceId, long from, long to, int limit, CancellationToken ct = default) =>
        Inner.QueryReadingsAsync(deviceId, from, to, limit, ct);
    public virtual Task<long> CountReadingsAsync(string? deviceId = null, CancellationToken ct = default) => Inner.CountReadingsAsync(deviceId, ct);
    public virtual Task<IReadOnlyList<QuarantineEntry>> ListQuarantineAsync(int limit, CancellationToken ct = default) => Inner.ListQuarantineAsync(limit, ct);
    public virtual Task<StoreCounts> GetCountsAsync(CancellationToken ct = default) => Inner.GetCountsAsync(ct);
    public virtual Task<QuarantinePruned> PruneQuarantineAsync(DateTimeOffset olderThan, int maxEntries, long maxBytes, CancellationToken ct = default) =>
        Inner.PruneQuarantineAsync(olderThan, maxEntries, maxBytes, ct);
    public virtual Task RecordCommandSentAsync(string commandId, string deviceId, DateTimeOffset at, CancellationToken ct = default) =>
        Inner.RecordCommandSentAsync(commandId, deviceId, at, ct);
    public virtual Task<bool> RecordCommandAckAsync(string commandId, bool ok, DateTimeOffset at, CancellationToken ct = default) =>
        Inner.RecordCommandAckAsync(commandId, ok, at, ct);
    public virtual Task RecordOtaOutcomeAsync(string campaign, string deviceId, bool succeeded, DateTimeOffset at, CancellationToken ct = default) =>
        Inner.RecordOtaOutcomeAsync(campaign, deviceId, succeeded, at, ct);
    public virtual ValueTask DisposeAsync() => Inner.DisposeAsync();
    public virtual Task<IReadOnlyList<Vitals.VitalsSample>> QueryVitalsAsync(string? deviceId, long fromMs, long toMs, int limit, CancellationToken ct = default) =>
        Inner.QueryVitalsAsync(deviceId, fromMs, toMs, limit, ct);
    public virtual Task<IReadOnlyList<Vitals.VitalsSample>> QueryCohortVitalsAsync(IReadOnlyList<Vitals.VitalsWindow> devices, long toMs, int limit,
        CancellationToken ct = default) => Inner.QueryCohortVitalsAsync(devices, toMs, limit, ct);
}
