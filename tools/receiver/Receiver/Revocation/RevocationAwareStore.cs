using NodeFirmware.Receiver.Model;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Revocation;

/// <summary>
/// The receiver's store as everything else sees it: a device's revoked state (and time) comes from the fleet's
/// revocation list, not from the store's own column, so the API, the page, the SLIs, commands and campaigns all agree
/// with the CRL the broker enforces. Without a PKI store the receiver cannot revoke, and the store's column (written by
/// earlier versions) is shown as it is.
/// </summary>
public sealed class RevocationAwareStore(ITelemetryStore inner, IFleetRevocations revocations) : DelegatingTelemetryStore(inner)
{
    public override async Task<DeviceRecord?> GetDeviceAsync(string deviceId, CancellationToken ct = default)
    {
        var device = await Inner.GetDeviceAsync(deviceId, ct);
        return device is null || !revocations.IsConfigured ? device : device with { RevokedAt = revocations.RevokedAt(device, revocations.Current()) };
    }

    public override async Task<IReadOnlyList<DeviceRecord>> ListDevicesAsync(CancellationToken ct = default) =>
        WithRevocations(await Inner.ListDevicesAsync(ct));

    public override async Task<IReadOnlyList<DeviceRecord>> ListDevicesPageAsync(string? after, int limit, CancellationToken ct = default) =>
        WithRevocations(await Inner.ListDevicesPageAsync(after, limit, ct));

    private IReadOnlyList<DeviceRecord> WithRevocations(IReadOnlyList<DeviceRecord> devices)
    {
        if (!revocations.IsConfigured) return devices;
        var current = revocations.Current();
        return devices.Select(d => d with { RevokedAt = revocations.RevokedAt(d, current) }).ToList();
    }
}
