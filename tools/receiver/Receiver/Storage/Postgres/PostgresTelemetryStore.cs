using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace NodeFirmware.Receiver.Storage.Postgres;

/// <summary>
/// The scale-out store. A write batch is one transaction: the readings go in as arrays (one round trip, unnest),
/// INSERT ... ON CONFLICT DO NOTHING keeps each key once even when two receivers race on a redelivered message,
/// and the values of exactly the rows that were inserted follow in the same statement.
/// </summary>
public sealed class PostgresTelemetryStore : SqlTelemetryStore
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgresTelemetryStore(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) throw new ArgumentException("the PostgreSQL store needs a connection string", nameof(connectionString));
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    protected override string Greatest(string a, string b) => $"GREATEST({a}, {b})";

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
        if (version > PostgresSchema.Migrations.Length)
            throw new InvalidOperationException($"the database has schema version {version}, newer than this receiver's {PostgresSchema.Migrations.Length}");
        for (long v = version; v < PostgresSchema.Migrations.Length; v++)
        {
            await using (var cmd = new NpgsqlCommand(PostgresSchema.Migrations[v], db, tx)) await cmd.ExecuteNonQueryAsync(ct);
            await using (var cmd = new NpgsqlCommand("DELETE FROM schema_version; INSERT INTO schema_version (version) VALUES (@v)", db, tx))
            {
                cmd.Parameters.AddWithValue("v", (int)(v + 1));
                await cmd.ExecuteNonQueryAsync(ct);
            }
        }
        await tx.CommitAsync(ct);
    }

    public override async Task<WriteResult> WriteAsync(WriteBatch batch, CancellationToken ct = default)
    {
        if (batch.IsEmpty) return default;
        var plan = BatchPlan.For(batch);
        await using var db = await _dataSource.OpenConnectionAsync(ct);
        await using var tx = await db.BeginTransactionAsync(ct);
        int inserted = await InsertReadingsAsync(db, tx, plan, ct);
        int duplicates = plan.Readings.Count - inserted + plan.DuplicatesWithinBatch;
        await UpsertActivityAsync(db, tx, plan, ct);
        await ApplyStatusesAsync(db, tx, batch, ct);
        await InsertQuarantineAsync(db, tx, batch, ct);
        await AddCountersAsync(db, tx, inserted, duplicates, ct);
        await tx.CommitAsync(ct);
        return new WriteResult(inserted, duplicates, batch.Quarantine.Count, batch.Statuses.Count);
    }

    private const string InsertReadingsSql = """
        WITH r AS (
            SELECT * FROM unnest(@d::text[], @e::bigint[], @s::bigint[], @ts::bigint[], @dts::bigint[], @src::smallint[], @fault::text[], @recv::bigint[])
                AS t (device_id, epoch, seq, ts, device_ts, time_source, fault, received_at)),
        ins AS (
            INSERT INTO readings (device_id, epoch, seq, ts, device_ts, time_source, fault, received_at)
            SELECT * FROM r ON CONFLICT DO NOTHING RETURNING device_id, epoch, seq),
        v AS (
            SELECT * FROM unnest(@vd::text[], @ve::bigint[], @vs::bigint[], @vc::text[], @vu::text[], @vts::bigint[], @vv::double precision[])
                AS t (device_id, epoch, seq, channel, unit, ts, value)),
        insv AS (
            INSERT INTO reading_values (device_id, epoch, seq, channel, unit, ts, value)
            SELECT v.device_id, v.epoch, v.seq, v.channel, v.unit, v.ts, v.value
            FROM v JOIN ins ON ins.device_id = v.device_id AND ins.epoch = v.epoch AND ins.seq = v.seq
            RETURNING 1)
        SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM insv)
        """;

    private static async Task<int> InsertReadingsAsync(NpgsqlConnection db, NpgsqlTransaction tx, BatchPlan plan, CancellationToken ct)
    {
        int n = plan.Readings.Count;
        if (n == 0) return 0;
        var d = new string[n]; var e = new long[n]; var s = new long[n]; var ts = new long[n]; var dts = new long[n];
        var src = new short[n]; var fault = new string?[n]; var recv = new long[n];
        var vd = new List<string>(); var ve = new List<long>(); var vs = new List<long>(); var vc = new List<string>();
        var vu = new List<string>(); var vts = new List<long>(); var vv = new List<double>();
        for (int i = 0; i < n; i++)
        {
            var (r, receivedMs) = plan.Readings[i];
            d[i] = r.Key.DeviceId; e[i] = r.Key.Epoch; s[i] = r.Key.Sequence; ts[i] = r.Time; dts[i] = r.DeviceTime;
            src[i] = (short)r.TimeSource; fault[i] = r.Fault; recv[i] = receivedMs;
            foreach (var v in r.Values)
            {
                vd.Add(r.Key.DeviceId); ve.Add(r.Key.Epoch); vs.Add(r.Key.Sequence); vc.Add(v.Channel); vu.Add(v.Unit); vts.Add(r.Time); vv.Add(v.Value);
            }
        }
        await using var cmd = new NpgsqlCommand(InsertReadingsSql, db, tx);
        cmd.Parameters.AddWithValue("d", d); cmd.Parameters.AddWithValue("e", e); cmd.Parameters.AddWithValue("s", s);
        cmd.Parameters.AddWithValue("ts", ts); cmd.Parameters.AddWithValue("dts", dts); cmd.Parameters.AddWithValue("src", src);
        cmd.Parameters.Add(new NpgsqlParameter("fault", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = fault });
        cmd.Parameters.AddWithValue("recv", recv);
        cmd.Parameters.AddWithValue("vd", vd.ToArray()); cmd.Parameters.AddWithValue("ve", ve.ToArray()); cmd.Parameters.AddWithValue("vs", vs.ToArray());
        cmd.Parameters.AddWithValue("vc", vc.ToArray()); cmd.Parameters.AddWithValue("vu", vu.ToArray()); cmd.Parameters.AddWithValue("vts", vts.ToArray());
        cmd.Parameters.AddWithValue("vv", vv.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (int)reader.GetInt64(0);
    }

    public override async ValueTask DisposeAsync() => await _dataSource.DisposeAsync();
}
