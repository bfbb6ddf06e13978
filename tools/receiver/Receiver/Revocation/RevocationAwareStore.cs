using NodeFirmware.Receiver.Model;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Revocation;

/// <summary>
/// The receiver's store as everything else sees it: a device's revoked state (and time) comes from the fleet's
/// revocation list, not from the store's own column, so the API, the page, the SLIs, commands and campaigns all agree
/// with the CRL the broker enforces. Without a PKI store the receiver cannot revoke, and the store's column (written by
/// earlier versions) is shown as it is.
/// </summary>
public sealed class RevocationAwareStore(ITelemetryStore inner, IFleetRevocations revocations) : ITelemetryStore
{
    public async Task<DeviceRecord?> GetDeviceAsync(string deviceId, CancellationToken ct = default)
    {
        var device = await inner.GetDeviceAsync(deviceId, ct);
        return device is null || !revocations.IsConfigured ? device : device with { RevokedAt = revocations.RevokedAt(device, revocations.Current()) };
    }

    public async Task<IReadOnlyList<DeviceRecord>> ListDevicesAsync(CancellationToken ct = default)
    {
        var devices = await inner.ListDevicesAsync(ct);
        if (!revocations.IsConfigured) return devices;
        var current = revocations.Current();
        return devices.Select(d => d with { RevokedAt = revocations.RevokedAt(d, current) }).ToList();
    }

    public Task MigrateAsync(CancellationToken ct = default) => inner.MigrateAsync(ct);
    public Task<WriteResult> WriteAsync(WriteBatch batch, CancellationToken ct = default) => inner.WriteAsync(batch, ct);
    public Task RegisterDeviceAsync(DeviceRegistration registration, DateTimeOffset at, CancellationToken ct = default) => inner.RegisterDeviceAsync(registration, at, ct);
    public Task<bool> RevokeDeviceAsync(string deviceId, DateTimeOffset at, CancellationToken ct = default) => inner.RevokeDeviceAsync(deviceId, at, ct);
    public Task<IReadOnlyList<ChannelBucket>> QueryBucketsAsync(string deviceId, long from, long to, int bucketSeconds, CancellationToken ct = default) =>
        inner.QueryBucketsAsync(deviceId, from, to, bucketSeconds, ct);
    public Task<IReadOnlyList<StoredReading>> QueryReadingsAsync(string deviceId, long from, long to, int limit, CancellationToken ct = default) =>
        inner.QueryReadingsAsync(deviceId, from, to, limit, ct);
    public Task<long> CountReadingsAsync(string? deviceId = null, CancellationToken ct = default) => inner.CountReadingsAsync(deviceId, ct);
    public Task<IReadOnlyList<QuarantineEntry>> ListQuarantineAsync(int limit, CancellationToken ct = default) => inner.ListQuarantineAsync(limit, ct);
    public Task<StoreCounts> GetCountsAsync(CancellationToken ct = default) => inner.GetCountsAsync(ct);
    public Task<QuarantinePruned> PruneQuarantineAsync(DateTimeOffset olderThan, int maxEntries, long maxBytes, CancellationToken ct = default) =>
        inner.PruneQuarantineAsync(olderThan, maxEntries, maxBytes, ct);
    public Task RecordCommandSentAsync(string commandId, string deviceId, DateTimeOffset at, CancellationToken ct = default) =>
        inner.RecordCommandSentAsync(commandId, deviceId, at, ct);
    public Task<bool> RecordCommandAckAsync(string commandId, bool ok, DateTimeOffset at, CancellationToken ct = default) =>
        inner.RecordCommandAckAsync(commandId, ok, at, ct);
    public Task RecordOtaOutcomeAsync(string campaign, string deviceId, bool succeeded, DateTimeOffset at, CancellationToken ct = default) =>
        inner.RecordOtaOutcomeAsync(campaign, deviceId, succeeded, at, ct);
    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
