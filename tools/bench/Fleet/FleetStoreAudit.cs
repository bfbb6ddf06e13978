using Microsoft.Data.Sqlite;

namespace NodeFirmware.Bench.Fleet;

/// <summary>
/// What the receiver stored, read from its SQLite file beside it (read-only): readings (rows of schema 2 and the
/// readings of packed rows), distinct idempotency keys (device, epoch, sequence) and so how many readings repeat a key,
/// and the broker redeliveries the store refused.
/// </summary>
internal sealed record FleetStoreAudit(long Rows, long UniqueKeys, long DuplicatesIgnored)
{
    public long Duplicated => Rows - UniqueKeys;

    public static async Task<FleetStoreAudit> ReadAsync(string path)
    {
        await using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await db.OpenAsync();
        long rows = await ScalarAsync(db, RowsSql);
        long unique = await ScalarAsync(db, "SELECT count(*) FROM (SELECT DISTINCT device_id, epoch, seq FROM readings)")
            + await ScalarAsync(db, "SELECT COALESCE(sum(count), 0) FROM reading_batches") - await ScalarAsync(db, PackedRepeatsSql);
        long ignored = await ScalarAsync(db, "SELECT COALESCE((SELECT value FROM counters WHERE name = 'duplicates_ignored'), 0)");
        return new FleetStoreAudit(rows, unique, ignored);
    }

    /// <summary>Rows only: cheap enough to poll while the receiver drains.</summary>
    public static async Task<long> RowsAsync(string path)
    {
        await using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await db.OpenAsync();
        return await ScalarAsync(db, RowsSql);
    }

    /// <summary>Readings stored: rows of schema 2 plus the readings of the packed rows.</summary>
    private const string RowsSql = "SELECT (SELECT count(*) FROM readings) + (SELECT COALESCE(sum(count), 0) FROM reading_batches)";

    /// <summary>Readings of packed rows whose keys an earlier row of the same device and epoch already covers.</summary>
    private const string PackedRepeatsSql =
        "SELECT COALESCE(sum(max(0, min(covered, first_seq + count) - first_seq)), 0) FROM (SELECT first_seq, count, " +
        "max(first_seq + count) OVER (PARTITION BY device_id, epoch ORDER BY first_seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS covered " +
        "FROM reading_batches) WHERE covered IS NOT NULL";

    private static async Task<long> ScalarAsync(SqliteConnection db, string sql)
    {
        await using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }
}
