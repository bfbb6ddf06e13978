using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Tests.Support;

/// <summary>A real store with hooks before and after each write: to block, fail, or observe commits.</summary>
public sealed class InterceptingStore(ITelemetryStore inner) : ITelemetryStore
{
    public Func<WriteBatch, Task>? BeforeWrite { get; set; }
    /// <summary>After the commit, before the writer can acknowledge: a receiver killed here has stored what it never acknowledged.</summary>
    public Func<WriteBatch, CancellationToken, Task>? AfterWrite { get; set; }
    public List<WriteBatch> Committed { get; } = new();

    public async Task<WriteResult> WriteAsync(WriteBatch batch, CancellationToken ct = default)
    {
        if (BeforeWrite is not null) await BeforeWrite(batch);
        var result = await inner.WriteAsync(batch, ct);
        lock (Committed) Committed.Add(batch);
        if (AfterWrite is not null) await AfterWrite(batch, ct);
        return result;
    }

    public Task MigrateAsync(CancellationToken ct = default) => inner.MigrateAsync(ct);
    public Task<QuarantinePruned> PruneQuarantineAsync(DateTimeOffset olderThan, int maxEntries, long maxBytes, CancellationToken ct = default) =>
        inner.PruneQuarantineAsync(olderThan, maxEntries, maxBytes, ct);
    public Task RegisterDeviceAsync(DeviceRegistration r, DateTimeOffset at, CancellationToken ct = default) => inner.RegisterDeviceAsync(r, at, ct);
    public Task<bool> RevokeDeviceAsync(string id, DateTimeOffset at, CancellationToken ct = default) => inner.RevokeDeviceAsync(id, at, ct);
    public Task<DeviceRecord?> GetDeviceAsync(string id, CancellationToken ct = default) => inner.GetDeviceAsync(id, ct);
    public Task<IReadOnlyList<DeviceRecord>> ListDevicesAsync(CancellationToken ct = default) => inner.ListDevicesAsync(ct);
    public Task<IReadOnlyList<DeviceRecord>> ListDevicesPageAsync(string? after, int limit, CancellationToken ct = default) => inner.ListDevicesPageAsync(after, limit, ct);
    public Task<IReadOnlyList<ChannelBucket>> QueryBucketsAsync(string id, long from, long to, int bucket, CancellationToken ct = default) => inner.QueryBucketsAsync(id, from, to, bucket, ct);
    public Task<IReadOnlyList<StoredReading>> QueryReadingsAsync(string id, long from, long to, int limit, CancellationToken ct = default) => inner.QueryReadingsAsync(id, from, to, limit, ct);
    public Task<long> CountReadingsAsync(string? id = null, CancellationToken ct = default) => inner.CountReadingsAsync(id, ct);
    public Task<IReadOnlyList<QuarantineEntry>> ListQuarantineAsync(int limit, CancellationToken ct = default) => inner.ListQuarantineAsync(limit, ct);
    public Task<StoreCounts> GetCountsAsync(CancellationToken ct = default) => inner.GetCountsAsync(ct);
    public Task<IReadOnlyList<NodeFirmware.Receiver.Vitals.VitalsSample>> QueryVitalsAsync(string? id, long fromMs, long toMs, int limit, CancellationToken ct = default) =>
        inner.QueryVitalsAsync(id, fromMs, toMs, limit, ct);
    public Task<IReadOnlyList<NodeFirmware.Receiver.Vitals.VitalsSample>> QueryCohortVitalsAsync(IReadOnlyList<NodeFirmware.Receiver.Vitals.VitalsWindow> devices,
        long toMs, int limit, CancellationToken ct = default) => inner.QueryCohortVitalsAsync(devices, toMs, limit, ct);
    public Task RecordCommandSentAsync(string c, string d, DateTimeOffset at, CancellationToken ct = default) => inner.RecordCommandSentAsync(c, d, at, ct);
    public Task<bool> RecordCommandAckAsync(string c, bool ok, DateTimeOffset at, CancellationToken ct = default) => inner.RecordCommandAckAsync(c, ok, at, ct);
    public Task RecordOtaOutcomeAsync(string c, string d, bool ok, DateTimeOffset at, CancellationToken ct = default) => inner.RecordOtaOutcomeAsync(c, d, ok, at, ct);
    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
