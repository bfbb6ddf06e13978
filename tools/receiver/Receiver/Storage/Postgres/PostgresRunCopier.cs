using Npgsql;
using NpgsqlTypes;

namespace NodeFirmware.Receiver.Storage.Postgres;

/// <summary>
/// Writes a commit's runs of readings as packed rows (<see cref="PackedReadings"/>). The table is locked against
/// other writers (not readers) for the rest of the transaction, the stored rows and schema-2 readings that overlap
/// any run are fetched in one statement, and what is left of each run goes by binary COPY into a temporary staging
/// table and from there into reading_batches: two receivers committing the same redelivered message one after the
/// other store its readings once. Returns the readings inserted.
/// </summary>
internal static class PostgresRunCopier
{
    public const string StagingTable = "reading_batches_stage";
    private const string Columns = "device_id, epoch, first_seq, count, ts_min, ts_max, received_at, layout, data";

    public static string CreateStagingSql => $"CREATE TEMP TABLE IF NOT EXISTS {StagingTable} (LIKE reading_batches)";

    private const string Runs = "unnest(@d::text[], @e::bigint[], @lo::bigint[], @hi::bigint[]) WITH ORDINALITY AS r (d, e, lo, hi, i)";

    private static readonly string Overlaps =
        $"SELECT r.i, b.first_seq, b.count FROM {Runs} JOIN reading_batches b ON b.device_id = r.d AND b.epoch = r.e " +
        "AND b.first_seq > r.lo - @back AND b.first_seq <= r.hi AND b.first_seq + b.count > r.lo " +
        $"UNION ALL SELECT r.i, l.seq, CAST(1 AS BIGINT) FROM {Runs} JOIN readings l ON l.device_id = r.d AND l.epoch = r.e AND l.seq >= r.lo AND l.seq <= r.hi";

    public static async Task<int> InsertAsync(NpgsqlConnection db, NpgsqlTransaction tx, List<ReadingRun> runs, int[] layouts, CancellationToken ct)
    {
        if (runs.Count == 0) return 0;
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE reading_batches IN SHARE ROW EXCLUSIVE MODE", db, tx))
            await lockTable.ExecuteNonQueryAsync(ct);
        var stored = new List<(long First, long Count)>[runs.Count];
        await using (var query = new NpgsqlCommand(Overlaps, db, tx))
        {
            query.Parameters.AddWithValue("d", runs.Select(r => r.DeviceId).ToArray());
            query.Parameters.AddWithValue("e", runs.Select(r => r.Epoch).ToArray());
            query.Parameters.AddWithValue("lo", runs.Select(r => r.FirstSequence).ToArray());
            query.Parameters.AddWithValue("hi", runs.Select(r => r.LastSequence).ToArray());
            query.Parameters.AddWithValue("back", (long)BatchPlan.MaxRunLength);
            await using var r = await query.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                int i = (int)r.GetInt64(0) - 1;
                (stored[i] ??= new()).Add((r.GetInt64(1), r.GetInt64(2)));
            }
        }
        int inserted = 0;
        await using (var copy = await db.BeginBinaryImportAsync($"COPY {StagingTable} ({Columns}) FROM STDIN (FORMAT BINARY)", ct))
        {
            for (int i = 0; i < runs.Count; i++)
            {
                foreach (var part in runs[i].Without(stored[i] ?? []))
                {
                    long min = part.MinTime;
                    await copy.StartRowAsync(ct);
                    await copy.WriteAsync(part.DeviceId, NpgsqlDbType.Text, ct);
                    await copy.WriteAsync(part.Epoch, NpgsqlDbType.Bigint, ct);
                    await copy.WriteAsync(part.FirstSequence, NpgsqlDbType.Bigint, ct);
                    await copy.WriteAsync((long)part.Records.Count, NpgsqlDbType.Bigint, ct);
                    await copy.WriteAsync(min, NpgsqlDbType.Bigint, ct);
                    await copy.WriteAsync(part.MaxTime, NpgsqlDbType.Bigint, ct);
                    await copy.WriteAsync(part.ReceivedAtMs, NpgsqlDbType.Bigint, ct);
                    await copy.WriteAsync(layouts[i], NpgsqlDbType.Integer, ct);
                    await copy.WriteAsync(PackedReadings.Pack(part.Records, part.Columns, min), NpgsqlDbType.Bytea, ct);
                    inserted += part.Records.Count;
                }
            }
            await copy.CompleteAsync(ct);
        }
        await using (var merge = new NpgsqlCommand($"INSERT INTO reading_batches ({Columns}) SELECT {Columns} FROM {StagingTable}", db, tx))
            await merge.ExecuteNonQueryAsync(ct);
        await using (var empty = new NpgsqlCommand($"TRUNCATE {StagingTable}", db, tx)) await empty.ExecuteNonQueryAsync(ct);
        return inserted;
    }
}
