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
    /// <summary>Whether the readings table of schema 2 holds rows, which new writes must not store again; asked once.</summary>
    private bool? _legacyRows;
    private readonly SqliteReadingInserter _inserter = new();

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

    protected override string JsonWindows(string parameter) =>
        $"(SELECT json_extract(value, '$.id') AS id, json_extract(value, '$.from_ms') AS from_ms FROM json_each(@{parameter})) AS w";

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
            if (version > SqliteSchema.Version)
                throw new InvalidOperationException($"{Path} has schema version {version}, newer than this receiver's {SqliteSchema.Version}");
            try
            {
                for (long v = version; v < SqliteSchema.Version; v++)
                {
                    if (SqliteSchema.Migrations[v] is { } sql)
                    {
                        await using var cmd = db.Command(sql, tx);
                        await cmd.ExecuteNonQueryAsync(ct);
                    }
                    else
                    {
                        await SqliteSchema.TimeSeries.ApplyAsync(db, tx, async chunk =>
                            _inserter.Insert(db, TimeSeriesMigration.NewTable, chunk, await Layouts.ResolveAsync(chunk, db, tx, ct)), ct);
                    }
                    await using (var cmd = db.Command($"PRAGMA user_version = {v + 1}", tx)) await cmd.ExecuteNonQueryAsync(ct);
                }
            }
            finally
            {
                // Layouts added inside a transaction that may roll back, statements for a table that was renamed.
                Layouts.Clear();
                _inserter.Dispose();
            }
            await VitalsRows.MigrateAsync(db, tx, postgres: false, ct);
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
            var layouts = await Layouts.ResolveRunsAsync(plan.Runs, db, ct);
            await using var tx = (SqliteTransaction)await db.BeginTransactionAsync(ct);
            _legacyRows ??= await HasLegacyRowsAsync(db, tx, ct);
            int inserted = plan.Runs.Count == 0 ? 0 : await InsertRunsAsync(db, tx, plan.Runs, layouts, ct);
            int duplicates = plan.ReadingCount - inserted + plan.DuplicatesWithinBatch;
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

    /// <summary>
    /// Each run goes in as one row, less the readings whose keys are stored already: stored rows that overlap the run
    /// are found through the key index (a row starts at most <see cref="BatchPlan.MaxRunLength"/> before a reading it
    /// holds), and rows of schema 2 through theirs while the database has any.
    /// </summary>
    private async Task<int> InsertRunsAsync(SqliteConnection db, SqliteTransaction tx, List<ReadingRun> runs, int[] layouts, CancellationToken ct)
    {
        await using var stored = db.Command(PackedRowSql.StoredRanges, tx).With("d", "").With("e", 0L).With("lo", 0L).With("hi", 0L).With("back", (long)BatchPlan.MaxRunLength);
        await using var legacy = db.Command(PackedRowSql.LegacyRanges, tx).With("d", "").With("e", 0L).With("lo", 0L).With("hi", 0L);
        await using var insert = db.Command(PackedRowSql.Insert, tx)
            .With("d", "").With("e", 0L).With("first", 0L).With("count", 0L).With("min", 0L).With("max", 0L).With("at", 0L).With("layout", 0L).With("data", Array.Empty<byte>());
        stored.Prepare();
        insert.Prepare();
        var ranges = new List<(long First, long Count)>();
        int inserted = 0;
        for (int i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            ranges.Clear();
            await ReadRangesAsync(stored, run, ranges, ct);
            if (_legacyRows == true) await ReadRangesAsync(legacy, run, ranges, ct);
            foreach (var part in run.Without(ranges))
            {
                long min = part.MinTime;
                insert.Set("d", part.DeviceId);
                insert.Set("e", part.Epoch);
                insert.Set("first", part.FirstSequence);
                insert.Set("count", (long)part.Records.Count);
                insert.Set("min", min);
                insert.Set("max", part.MaxTime);
                insert.Set("at", part.ReceivedAtMs);
                insert.Set("layout", (long)layouts[i]);
                insert.Set("data", PackedReadings.Pack(part.Records, part.Columns, min));
                await insert.ExecuteNonQueryAsync(ct);
                inserted += part.Records.Count;
            }
        }
        return inserted;
    }

    private static async Task ReadRangesAsync(DbCommand query, ReadingRun run, List<(long First, long Count)> ranges, CancellationToken ct)
    {
        query.Set("d", run.DeviceId);
        query.Set("e", run.Epoch);
        query.Set("lo", run.FirstSequence);
        query.Set("hi", run.LastSequence);
        await using var r = await query.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) ranges.Add((r.GetInt64(0), r.GetInt64(1)));
    }

    private static async Task<bool> HasLegacyRowsAsync(DbConnection db, DbTransaction tx, CancellationToken ct)
    {
        await using var cmd = db.Command("SELECT EXISTS (SELECT 1 FROM readings)", tx);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct)) != 0;
    }

    private async Task<SqliteConnection> WriterAsync(CancellationToken ct)
    {
        if (_writer is null)
        {
            _writer = (SqliteConnection)await OpenAsync(ct);
            // Each device appends at its own place in the two B-trees: keep their hot pages in memory (64 MiB), and
            // checkpoint the WAL every 64 MiB instead of 4 MiB, so a page that every commit touches (a device's last
            // leaf) is copied into the database once per checkpoint rather than after almost every commit.
            await using var cmd = _writer.Command("PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 16384;");
            await cmd.ExecuteNonQueryAsync(ct);
        }
        return _writer;
    }

    public override async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync();
        try
        {
            _inserter.Dispose();
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
