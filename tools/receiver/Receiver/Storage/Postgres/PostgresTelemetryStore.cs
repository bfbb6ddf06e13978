using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace NodeFirmware.Receiver.Storage.Postgres;

/// <summary>
/// The scale-out store. A write batch is one transaction on the store's writer connection: the readings go in as
/// packed rows by binary COPY and a merge that leaves out keys already stored (<see cref="PostgresRunCopier"/>), so
/// each key is kept once even when two receivers race on a redelivered message; device activity goes in as arrays in
/// one statement.
/// </summary>
public sealed class PostgresTelemetryStore : SqlTelemetryStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private NpgsqlConnection? _writer;

    public PostgresTelemetryStore(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) throw new ArgumentException("the PostgreSQL store needs a connection string", nameof(connectionString));
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    protected override string Greatest(string a, string b) => $"GREATEST({a}, {b})";

    protected override string JsonWindows(string parameter) => $"jsonb_to_recordset(CAST(@{parameter} AS jsonb)) AS w (id text, from_ms bigint)";

    protected override async Task<DbConnection> OpenAsync(CancellationToken ct) => await _dataSource.OpenConnectionAsync(ct);

    public override async Task MigrateAsync(CancellationToken ct = default)
    {
        await using var db = await _dataSource.OpenConnectionAsync(ct);
        await using var tx = await db.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", db, tx))
        {
            cmd.Parameters.AddWithValue("key", PostgresSchema.MigrationLockKey);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await using (var cmd = new NpgsqlCommand(PostgresSchema.VersionTable, db, tx)) await cmd.ExecuteNonQueryAsync(ct);
        long version;
        await using (var cmd = new NpgsqlCommand("SELECT COALESCE(max(version), 0) FROM schema_version", db, tx))
            version = Convert.ToInt64(await cmd.ExecuteScalarAsync(ct));
        if (version > PostgresSchema.Version)
            throw new InvalidOperationException($"the database has schema version {version}, newer than this receiver's {PostgresSchema.Version}");
        try
        {
            for (long v = version; v < PostgresSchema.Version; v++)
            {
                if (PostgresSchema.Migrations[v] is { } sql)
                {
                    await using var cmd = new NpgsqlCommand(sql, db, tx);
                    await cmd.ExecuteNonQueryAsync(ct);
                }
                else
                {
                    await using (var stage = new NpgsqlCommand(PostgresReadingCopier.CreateStagingSql, db, tx)) await stage.ExecuteNonQueryAsync(ct);
                    await PostgresSchema.TimeSeries.ApplyAsync(db, tx, async chunk => await PostgresReadingCopier.InsertAsync(
                        db, tx, TimeSeriesMigration.NewTable, chunk, await Layouts.ResolveAsync(chunk, db, tx, ct), ct), ct);
                }
                await using (var cmd = new NpgsqlCommand("DELETE FROM schema_version; INSERT INTO schema_version (version) VALUES (@v)", db, tx))
                {
                    cmd.Parameters.AddWithValue("v", (int)(v + 1));
                    await cmd.ExecuteNonQueryAsync(ct);
                }
            }
            await VitalsRows.MigrateAsync(db, tx, postgres: true, ct);
            await tx.CommitAsync(ct);
        }
        finally
        {
            Layouts.Clear(); // layouts added inside a transaction that may have rolled back
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
            await using var tx = await db.BeginTransactionAsync(ct);
            int inserted = await PostgresRunCopier.InsertAsync(db, tx, plan.Runs, layouts, ct);
            int duplicates = plan.ReadingCount - inserted + plan.DuplicatesWithinBatch;
            await UpsertActivityAsync(db, tx, plan, ct);
            await ApplyStatusesAsync(db, tx, batch, ct);
            await InsertQuarantineAsync(db, tx, batch, ct);
            await AddCountersAsync(db, tx, inserted, duplicates, ct);
            await tx.CommitAsync(ct);
            return new WriteResult(inserted, duplicates, batch.Quarantine.Count, batch.Statuses.Count);
        }
        catch
        {
            // The connection may be broken or its session unknown: the next write starts on a fresh one.
            await DropWriterAsync();
            throw;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>All device rows of a batch in one statement, in id order (two receivers lock them in the same order).</summary>
    protected override async Task UpsertActivityAsync(DbConnection db, DbTransaction tx, BatchPlan plan, CancellationToken ct)
    {
        if (plan.Activity.Count == 0) return;
        var activity = plan.Activity.Values.OrderBy(a => a.DeviceId, StringComparer.Ordinal).ToList();
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO devices (id, tags, last_seen, battery_mv, last_reading_time) " +
            "SELECT id, '[]', seen, battery, reading FROM unnest(@id::text[], @seen::bigint[], @battery::integer[], @reading::bigint[]) AS a (id, seen, battery, reading) " +
            "ON CONFLICT (id) DO UPDATE SET " +
            "battery_mv = CASE WHEN excluded.battery_mv IS NOT NULL AND (devices.last_seen IS NULL OR devices.last_seen <= excluded.last_seen) THEN excluded.battery_mv ELSE devices.battery_mv END, " +
            $"last_seen = {Greatest("devices.last_seen", "excluded.last_seen")}, " +
            $"last_reading_time = {Greatest("devices.last_reading_time", "excluded.last_reading_time")}", (NpgsqlConnection)db, (NpgsqlTransaction)tx);
        cmd.Parameters.AddWithValue("id", activity.Select(a => a.DeviceId).ToArray());
        cmd.Parameters.AddWithValue("seen", activity.Select(a => a.LastSeenMs).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter("battery", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = activity.Select(a => a.BatteryMillivolts).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("reading", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = activity.Select(a => a.LastReadingTime).ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task<NpgsqlConnection> WriterAsync(CancellationToken ct)
    {
        if (_writer is not null) return _writer;
        var db = await _dataSource.OpenConnectionAsync(ct);
        try
        {
            await using var stage = new NpgsqlCommand(PostgresReadingCopier.CreateStagingSql + "; " + PostgresRunCopier.CreateStagingSql, db);
            await stage.ExecuteNonQueryAsync(ct);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
        return _writer = db;
    }

    private async Task DropWriterAsync()
    {
        if (_writer is null) return;
        try { await _writer.DisposeAsync(); }
        catch (Exception) { /* already broken */ }
        _writer = null;
    }

    public override async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync();
        try
        {
            await DropWriterAsync();
        }
        finally
        {
            _writeLock.Release();
        }
        await _dataSource.DisposeAsync();
    }
}
