using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace NodeFirmware.Receiver.Storage.Sqlite;

/// <summary>
/// The embedded store. WAL journal so the API reads while ingest writes; synchronous=FULL by default so that a
/// commit, which the ingest acknowledges to the broker right after, survives a power cut and not only a process
/// crash (NORMAL may lose the last commits on power loss — and the broker has already forgotten them).
/// One writer connection, serialized; readers take pooled connections.
/// </summary>
public sealed class SqliteTelemetryStore : SqlTelemetryStore
{
    private readonly string _connectionString;
    private readonly string _synchronous;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private SqliteConnection? _writer;

    /// <param name="synchronous">FULL (default) or NORMAL: see the class summary and docs/receiver.md.</param>
    public SqliteTelemetryStore(string path, string synchronous = "FULL")
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("the SQLite store needs a file path", nameof(path));
        _synchronous = synchronous.ToUpperInvariant() switch
        {
            "FULL" => "FULL",
            "NORMAL" => "NORMAL",
            _ => throw new ArgumentException($"synchronous must be FULL or NORMAL, not '{synchronous}'", nameof(synchronous)),
        };
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30, // also how long a busy database is retried
        }.ToString();
    }

    public string Path { get; }

    protected override string Greatest(string a, string b) => $"CASE WHEN {a} IS NULL OR {b} > {a} THEN {b} ELSE {a} END";

    protected override async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        await using var cmd = connection.Command($"PRAGMA synchronous = {_synchronous}; PRAGMA foreign_keys = OFF;");
        await cmd.ExecuteNonQueryAsync(ct);
        return connection;
    }

    public override async Task MigrateAsync(CancellationToken ct = default)
    {
        var dir = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        await _writeLock.WaitAsync(ct);
        try
        {
            var db = await WriterAsync(ct);
            await using (var wal = db.Command("PRAGMA journal_mode = WAL"))
            {
                var mode = (string?)await wal.ExecuteScalarAsync(ct);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                    throw new InvalidOperationException($"SQLite at {Path} refused WAL mode (journal_mode = {mode})");
            }
            await using var tx = (SqliteTransaction)await db.BeginTransactionAsync(ct);
            long version;
            await using (var cmd = db.Command("PRAGMA user_version", tx)) version = Convert.ToInt64(await cmd.ExecuteScalarAsync(ct));
            if (version > SqliteSchema.Migrations.Length)
                throw new InvalidOperationException($"{Path} has schema version {version}, newer than this receiver's {SqliteSchema.Migrations.Length}");
            for (long v = version; v < SqliteSchema.Migrations.Length; v++)
            {
                await using (var cmd = db.Command(SqliteSchema.Migrations[v], tx)) await cmd.ExecuteNonQueryAsync(ct);
                await using (var cmd = db.Command($"PRAGMA user_version = {v + 1}", tx)) await cmd.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public override async Task<WriteResult> WriteAsync(WriteBatch batch, CancellationToken ct = default)
    {
        if (batch.IsEmpty) return default;
        var plan = BatchPlan.For(batch);
        await _writeLock.WaitAsync(ct);
        try
        {
            var db = await WriterAsync(ct);
            await using var tx = (SqliteTransaction)await db.BeginTransactionAsync(ct);
            int inserted = await InsertReadingsAsync(db, tx, plan, ct);
            int duplicates = plan.Readings.Count - inserted + plan.DuplicatesWithinBatch;
            await UpsertActivityAsync(db, tx, plan, ct);
            await ApplyStatusesAsync(db, tx, batch, ct);
            await InsertQuarantineAsync(db, tx, batch, ct);
            await AddCountersAsync(db, tx, inserted, duplicates, ct);
            await tx.CommitAsync(ct);
            return new WriteResult(inserted, duplicates, batch.Quarantine.Count, batch.Statuses.Count);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static async Task<int> InsertReadingsAsync(SqliteConnection db, SqliteTransaction tx, BatchPlan plan, CancellationToken ct)
    {
        if (plan.Readings.Count == 0) return 0;
        await using var reading = (SqliteCommand)db.Command(
            "INSERT INTO readings (device_id, epoch, seq, ts, device_ts, time_source, fault, received_at) " +
            "VALUES (@d, @e, @s, @ts, @dts, @src, @fault, @recv) ON CONFLICT DO NOTHING", tx)
            .With("d", "").With("e", 0L).With("s", 0L).With("ts", 0L).With("dts", 0L).With("src", 0).With("fault", null).With("recv", 0L);
        await using var value = (SqliteCommand)db.Command(
            "INSERT INTO reading_values (device_id, epoch, seq, channel, unit, ts, value) VALUES (@d, @e, @s, @c, @u, @ts, @v)", tx)
            .With("d", "").With("e", 0L).With("s", 0L).With("c", "").With("u", "").With("ts", 0L).With("v", 0.0);
        reading.Prepare();
        value.Prepare();
        int inserted = 0;
        foreach (var (r, receivedMs) in plan.Readings)
        {
            reading.Set("d", r.Key.DeviceId);
            reading.Set("e", r.Key.Epoch);
            reading.Set("s", r.Key.Sequence);
            reading.Set("ts", r.Time);
            reading.Set("dts", r.DeviceTime);
            reading.Set("src", (int)r.TimeSource);
            reading.Set("fault", r.Fault);
            reading.Set("recv", receivedMs);
            if (await reading.ExecuteNonQueryAsync(ct) != 1) continue; // already stored: a duplicate
            inserted++;
            value.Set("d", r.Key.DeviceId);
            value.Set("e", r.Key.Epoch);
            value.Set("s", r.Key.Sequence);
            value.Set("ts", r.Time);
            foreach (var v in r.Values)
            {
                value.Set("c", v.Channel);
                value.Set("u", v.Unit);
                value.Set("v", v.Value);
                await value.ExecuteNonQueryAsync(ct);
            }
        }
        return inserted;
    }

    private async Task<SqliteConnection> WriterAsync(CancellationToken ct)
    {
        if (_writer is null) _writer = (SqliteConnection)await OpenAsync(ct);
        return _writer;
    }

    public override async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync();
        try
        {
            if (_writer is not null) await _writer.DisposeAsync();
            _writer = null;
            // Pooled connections hold the file open; release them so the caller may move or delete it.
            using var any = new SqliteConnection(_connectionString);
            SqliteConnection.ClearPool(any);
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
