namespace NodeFirmware.Receiver.Commands;

/// <summary>Commands and their fate in the receiver's database. State changes only move forward from queued/delivered.</summary>
public interface ICommandStore
{
    Task MigrateAsync(CancellationToken ct = default);
    Task AddAsync(DeviceCommand command, CancellationToken ct = default);
    Task<DeviceCommand?> GetAsync(string id, CancellationToken ct = default);
    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<DeviceCommand>> ListForDeviceAsync(string deviceId, int limit, CancellationToken ct = default);
    /// <summary>Queued and delivered commands, oldest first.</summary>
    Task<IReadOnlyList<DeviceCommand>> ListOpenAsync(CancellationToken ct = default);
    Task<int> CountOpenAsync(string deviceId, CancellationToken ct = default);
    Task<bool> MarkDeliveredAsync(string id, DateTimeOffset at, CancellationToken ct = default);
    /// <summary>Only an open command of <paramref name="deviceId"/> can be acknowledged (a device cannot ack another's).</summary>
    Task<bool> MarkAcknowledgedAsync(string id, string deviceId, bool ok, string? detail, DateTimeOffset at, CancellationToken ct = default);
    /// <summary>expired or dropped, if still open.</summary>
    Task<bool> MarkFinishedAsync(string id, string state, string detail, DateTimeOffset at, CancellationToken ct = default);
    Task<IReadOnlyDictionary<string, long>> CountByStateAsync(CancellationToken ct = default);
}
