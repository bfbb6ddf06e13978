using Microsoft.Data.Sqlite;

namespace NodeFirmware.Bench.Fleet;

/// <summary>
/// What the receiver stored, read from its SQLite file beside it (read-only): rows, distinct idempotency keys
/// (device, epoch, sequence) and so how many rows repeat a key, and the broker redeliveries the store refused.
/// </summary>
internal sealed record FleetStoreAudit(long Rows, long UniqueKeys, long DuplicatesIgnored)
{
    public long Duplicated => Rows - UniqueKeys;

    public static async Task<FleetStoreAudit> ReadAsync(string path)
    {
        await using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await db.OpenAsync();
        long rows = await ScalarAsync(db, "SELECT count(*) FROM readings");
        long unique = await ScalarAsync(db, "SELECT count(*) FROM (SELECT DISTINCT device_id, epoch, seq FROM readings)");
        long ignored = await ScalarAsync(db, "SELECT COALESCE((SELECT value FROM counters WHERE name = 'duplicates_ignored'), 0)");
        return new FleetStoreAudit(rows, unique, ignored);
    }

    /// <summary>Rows only: cheap enough to poll while the receiver drains.</summary>
    public static async Task<long> RowsAsync(string path)
    {
        await using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await db.OpenAsync();
        return await ScalarAsync(db, "SELECT count(*) FROM readings");
    }

    private static async Task<long> ScalarAsync(SqliteConnection db, string sql)
    {
        await using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }
}
