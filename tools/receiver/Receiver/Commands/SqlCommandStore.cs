using System.Data.Common;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Commands;

/// <summary>Commands in SQLite or PostgreSQL (table device_commands). Times are Unix milliseconds.</summary>
public sealed class SqlCommandStore(DbSource source) : ICommandStore
{
    private const long MigrationLockKey = 0x4E46_434D_4453;
    private const string Columns = "id, device_id, op, state, created_at, created_by, expires_at, delivered_at, finished_at, ok, detail";
    private const string Open = "state IN ('queued', 'delivered')";

    private static string Schema(bool postgres) => $"""
        CREATE TABLE IF NOT EXISTS device_commands (
            id TEXT PRIMARY KEY, device_id TEXT NOT NULL, op TEXT NOT NULL, state TEXT NOT NULL,
            created_at {Int(postgres)} NOT NULL, created_by TEXT NOT NULL, expires_at {Int(postgres)} NOT NULL,
            delivered_at {Int(postgres)}, finished_at {Int(postgres)}, ok INTEGER, detail TEXT);
        CREATE INDEX IF NOT EXISTS device_commands_by_device ON device_commands (device_id, created_at);
        CREATE INDEX IF NOT EXISTS device_commands_by_state ON device_commands (state, created_at);
        """;

    private static string Int(bool postgres) => postgres ? "BIGINT" : "INTEGER";

    public Task MigrateAsync(CancellationToken ct = default) => SchemaMigration.ApplyAsync(source, Schema(source.IsPostgres), MigrationLockKey, ct);

    public async Task AddAsync(DeviceCommand c, CancellationToken ct = default)
    {
        await using var db = await source.OpenAsync(ct);
        await using var cmd = db.Command($"INSERT INTO device_commands ({Columns}) VALUES (@id, @device, @op, @state, @created, @by, @expires, NULL, NULL, NULL, NULL)")
            .With("id", c.Id).With("device", c.DeviceId).With("op", c.Op).With("state", c.State)
            .With("created", c.CreatedAt.ToUnixTimeMilliseconds()).With("by", c.CreatedBy).With("expires", c.ExpiresAt.ToUnixTimeMilliseconds());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<DeviceCommand?> GetAsync(string id, CancellationToken ct = default) =>
        (await QueryAsync($"SELECT {Columns} FROM device_commands WHERE id = @id", ct, ("id", id))).FirstOrDefault();

    public Task<IReadOnlyList<DeviceCommand>> ListForDeviceAsync(string deviceId, int limit, CancellationToken ct = default) =>
        QueryAsync($"SELECT {Columns} FROM device_commands WHERE device_id = @device ORDER BY created_at DESC, id LIMIT @limit", ct,
            ("device", deviceId), ("limit", (long)limit));

    public Task<IReadOnlyList<DeviceCommand>> ListOpenAsync(CancellationToken ct = default) =>
        QueryAsync($"SELECT {Columns} FROM device_commands WHERE {Open} ORDER BY created_at, id", ct);

    public async Task<int> CountOpenAsync(string deviceId, CancellationToken ct = default)
    {
        await using var db = await source.OpenAsync(ct);
        await using var cmd = db.Command($"SELECT count(*) FROM device_commands WHERE device_id = @device AND {Open}").With("device", deviceId);
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(ct));
    }

    public Task<bool> MarkDeliveredAsync(string id, DateTimeOffset at, CancellationToken ct = default) =>
        UpdateAsync("UPDATE device_commands SET state = 'delivered', delivered_at = @at WHERE id = @id AND state = 'queued'", ct,
            ("id", id), ("at", at.ToUnixTimeMilliseconds()));

    public Task<bool> MarkAcknowledgedAsync(string id, string deviceId, bool ok, string? detail, DateTimeOffset at, CancellationToken ct = default) =>
        UpdateAsync($"UPDATE device_commands SET state = 'acknowledged', finished_at = @at, ok = @ok, detail = @detail " +
            $"WHERE id = @id AND device_id = @device AND {Open}", ct,
            ("id", id), ("device", deviceId), ("at", at.ToUnixTimeMilliseconds()), ("ok", ok ? 1 : 0), ("detail", detail));

    public Task<bool> MarkFinishedAsync(string id, string state, string detail, DateTimeOffset at, CancellationToken ct = default)
    {
        if (state is not (CommandStates.Expired or CommandStates.Dropped)) throw new ArgumentException($"'{state}' is not a final state a command can be put in", nameof(state));
        return UpdateAsync($"UPDATE device_commands SET state = @state, finished_at = @at, detail = @detail WHERE id = @id AND {Open}", ct,
            ("id", id), ("state", state), ("at", at.ToUnixTimeMilliseconds()), ("detail", detail));
    }

    public async Task<IReadOnlyDictionary<string, long>> CountByStateAsync(CancellationToken ct = default)
    {
        await using var db = await source.OpenAsync(ct);
        await using var cmd = db.Command("SELECT state, count(*) FROM device_commands GROUP BY state");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var counts = new Dictionary<string, long>();
        while (await r.ReadAsync(ct)) counts[r.GetString(0)] = Convert.ToInt64(r.GetValue(1));
        return counts;
    }

    private async Task<bool> UpdateAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var db = await source.OpenAsync(ct);
        await using var cmd = db.Command(sql);
        foreach (var (name, value) in parameters) cmd.With(name, value);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    private async Task<IReadOnlyList<DeviceCommand>> QueryAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var db = await source.OpenAsync(ct);
        await using var cmd = db.Command(sql);
        foreach (var (name, value) in parameters) cmd.With(name, value);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<DeviceCommand>();
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }

    private static DeviceCommand Read(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), UnixTime.FromMs(r.GetValue(4))!.Value, r.GetString(5),
        UnixTime.FromMs(r.GetValue(6))!.Value, UnixTime.FromMs(r.GetValue(7)), UnixTime.FromMs(r.GetValue(8)),
        r.IsDBNull(9) ? null : Convert.ToInt32(r.GetValue(9)) == 1, r.NullableString(10));
}
