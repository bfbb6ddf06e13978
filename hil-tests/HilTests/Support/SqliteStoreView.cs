using NodeFirmware.HilTests.Rig;
using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Storage.Sqlite;

namespace NodeFirmware.HilTests.Support;

/// <summary>Reads the receiver's SQLite file directly (a second connection; the receiver may be running or dead).</summary>
public sealed class SqliteStoreView(string path) : IReceiverStoreView
{
    public string Path { get; } = path;

    public Task<long> CountReadingsAsync(string deviceId) => With(s => s.CountReadingsAsync(deviceId));

    public Task<IReadOnlyList<StoredReading>> ReadingsAsync(string deviceId) =>
        With(async s => (IReadOnlyList<StoredReading>)(await s.QueryReadingsAsync(deviceId, long.MinValue / 4, long.MaxValue / 4, 1_000_000))
            .OrderBy(r => r.Key.Epoch).ThenBy(r => r.Key.Sequence).ToList());

    public Task<DeviceRecord?> DeviceAsync(string deviceId) => With(s => s.GetDeviceAsync(deviceId));

    public Task<StoreCounts> CountsAsync() => With(s => s.GetCountsAsync());

    private async Task<T> With<T>(Func<ITelemetryStore, Task<T>> query)
    {
        if (!File.Exists(Path)) throw new InvalidOperationException($"the receiver's store {Path} does not exist (has the receiver started?)");
        await using var store = new SqliteTelemetryStore(Path);
        return await query(store);
    }
}
