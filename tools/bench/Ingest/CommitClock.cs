using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Bench.Ingest;

/// <summary>
/// The receiver's store, timed: when a write returns (its transaction committed), every message in it is done.
/// Counts the readings inserted, so the run knows when everything is stored without querying the database.
/// </summary>
internal sealed class CommitClock(ITelemetryStore inner, IReadOnlyList<BenchMessage> messages, Latencies latencies) : ITelemetryStore
{
    private readonly Dictionary<(string, long), int> _index = messages.ToDictionary(m => (m.Device, m.FirstSequence), m => m.Index);
    private long _inserted;

    public long Inserted => Interlocked.Read(ref _inserted);

    public async Task<WriteResult> WriteAsync(WriteBatch batch, CancellationToken ct = default)
    {
        var result = await inner.WriteAsync(batch, ct);
        foreach (var t in batch.Telemetry)
            if (t.Records.Count > 0 && _index.TryGetValue((t.DeviceId, t.Records[0].Key.Sequence), out int i)) latencies.Done(i);
        Interlocked.Add(ref _inserted, result.Inserted);
        return result;
    }

    public Task MigrateAsync(CancellationToken ct = default) => inner.MigrateAsync(ct);
    public Task RegisterDeviceAsync(DeviceRegistration registration, DateTimeOffset at, CancellationToken ct = default) => inner.RegisterDeviceAsync(registration, at, ct);
    public Task<bool> RevokeDeviceAsync(string deviceId, DateTimeOffset at, CancellationToken ct = default) => inner.RevokeDeviceAsync(deviceId, at, ct);
    public Task<DeviceRecord?> GetDeviceAsync(string deviceId, CancellationToken ct = default) => inner.GetDeviceAsync(deviceId, ct);
    public Task<IReadOnlyList<DeviceRecord>> ListDevicesAsync(CancellationToken ct = default) => inner.ListDevicesAsync(ct);
    public Task<IReadOnlyList<ChannelBucket>> QueryBucketsAsync(string deviceId, long from, long to, int bucketSeconds, CancellationToken ct = default) =>
        inner.QueryBucketsAsync(deviceId, from, to, bucketSeconds, ct);
    public Task<IReadOnlyList<StoredReading>> QueryReadingsAsync(string deviceId, long from, long to, int limit, CancellationToken ct = default) =>
        inner.QueryReadingsAsync(deviceId, from, to, limit, ct);
    public Task<long> CountReadingsAsync(string? deviceId = null, CancellationToken ct = default) => inner.CountReadingsAsync(deviceId, ct);
    public Task<IReadOnlyList<QuarantineEntry>> ListQuarantineAsync(int limit, CancellationToken ct = default) => inner.ListQuarantineAsync(limit, ct);
    public Task<StoreCounts> GetCountsAsync(CancellationToken ct = default) => inner.GetCountsAsync(ct);
    public Task<QuarantinePruned> PruneQuarantineAsync(DateTimeOffset olderThan, int maxEntries, long maxBytes, CancellationToken ct = default) =>
        inner.PruneQuarantineAsync(olderThan, maxEntries, maxBytes, ct);
    public Task RecordCommandSentAsync(string commandId, string deviceId, DateTimeOffset at, CancellationToken ct = default) => inner.RecordCommandSentAsync(commandId, deviceId, at, ct);
    public Task<bool> RecordCommandAckAsync(string commandId, bool ok, DateTimeOffset at, CancellationToken ct = default) => inner.RecordCommandAckAsync(commandId, ok, at, ct);
    public Task RecordOtaOutcomeAsync(string campaign, string deviceId, bool succeeded, DateTimeOffset at, CancellationToken ct = default) =>
        inner.RecordOtaOutcomeAsync(campaign, deviceId, succeeded, at, ct);
    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
