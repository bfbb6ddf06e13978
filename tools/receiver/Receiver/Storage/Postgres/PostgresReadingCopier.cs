using NodeFirmware.Receiver.Model;
using Npgsql;
using NpgsqlTypes;

namespace NodeFirmware.Receiver.Storage.Postgres;

/// <summary>
/// Schema 2's bulk insert, now used by its migration only (new readings go into packed rows, <see cref="PostgresRunCopier"/>).
/// Inserts readings with binary COPY into a temporary staging table of the writer's connection (emptied after
/// each use), then one INSERT ... SELECT ... ON CONFLICT DO NOTHING into the target: the idempotent merge on the
/// idempotency key. Rows go in key order, so two receivers merging overlapping batches wait on each other instead
/// of deadlocking. Its row count is the number of readings that were new.
/// </summary>
internal static class PostgresReadingCopier
{
    public const string StagingTable = "readings_stage";

    public static string CreateStagingSql =>
        $"CREATE TEMP TABLE IF NOT EXISTS {StagingTable} ({PostgresSchema.ReadingColumns.Replace(" NOT NULL", "")})";

    public static async Task<int> InsertAsync(NpgsqlConnection db, NpgsqlTransaction tx, string table,
        IReadOnlyList<(TelemetryRecord Record, long ReceivedAtMs)> readings, int[] layouts, CancellationToken ct)
    {
        if (readings.Count == 0) return 0;
        int width = 0;
        foreach (var (r, _) in readings) width = Math.Max(width, r.Values.Count);
        string columns = "device_id, ts, epoch, seq, device_ts, time_source, fault, received_at, layout" + string.Concat(Enumerable.Range(0, width).Select(i => $", v{i}"));
        await using (var copy = await db.BeginBinaryImportAsync($"COPY {StagingTable} ({columns}) FROM STDIN (FORMAT BINARY)", ct))
        {
            for (int i = 0; i < readings.Count; i++)
            {
                var (r, receivedMs) = readings[i];
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(r.Key.DeviceId, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(r.Time, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(r.Key.Epoch, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(r.Key.Sequence, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(r.DeviceTime, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync((short)r.TimeSource, NpgsqlDbType.Smallint, ct);
                if (r.Fault is null) await copy.WriteNullAsync(ct);
                else await copy.WriteAsync(r.Fault, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(receivedMs, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(layouts[i], NpgsqlDbType.Integer, ct);
                for (int v = 0; v < width; v++)
                {
                    if (v < r.Values.Count) await copy.WriteAsync(r.Values[v].Value, NpgsqlDbType.Double, ct);
                    else await copy.WriteNullAsync(ct);
                }
            }
            await copy.CompleteAsync(ct);
        }
        await using var merge = new NpgsqlCommand(
            $"INSERT INTO {table} ({columns}) SELECT {columns} FROM {StagingTable} ORDER BY device_id, epoch, seq ON CONFLICT DO NOTHING", db, tx);
        int inserted = await merge.ExecuteNonQueryAsync(ct);
        await using (var empty = new NpgsqlCommand($"TRUNCATE {StagingTable}", db, tx)) await empty.ExecuteNonQueryAsync(ct);
        return inserted;
    }
}
