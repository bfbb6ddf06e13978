using System.Data.Common;
using System.Text.Json;
using NodeFirmware.Receiver.Vitals;

namespace NodeFirmware.Receiver.Storage;

/// <summary>
/// The device_vitals table of both stores: one row per status message that carried a firmware version, written in the
/// same transaction as the status itself. Created with IF NOT EXISTS on every start, beside the versioned schema, so
/// an existing database gains the table and keeps everything it held; <see cref="MigrateAsync"/> also brings a table of
/// an earlier receiver up to date.
/// </summary>
internal static class VitalsRows
{
    /// <summary>The columns of the table before pending was added: what the reconnects migration copies.</summary>
    private const string ColumnsBeforePending =
        "device_id, received_at, firmware, state, battery_mv, boots, brownouts, watchdogs, panics, uptime_s, reconnects, heap_low, " +
        "w2p_total, w2p_wifi, w2p_dhcp, w2p_tls, w2p_mqtt, w2p_publish";

    private const string Columns = ColumnsBeforePending + ", pending";

    private const string InsertColumns = Columns + ", content_hash, packet_id";

    /// <summary>
    /// The table, in SQL both dialects take (BIGINT is an INTEGER to SQLite). reconnects is null when the status did not carry
    /// it; pending (the journal backlog, readings) is null only in rows an earlier receiver stored, as are content_hash and
    /// packet_id (how the status was delivered, <see cref="StatusDelivery"/>: what tells a later copy of it from a new status).
    /// </summary>
    private static string Table(string name) => $"""
        CREATE TABLE IF NOT EXISTS {name} (
            device_id TEXT NOT NULL, received_at BIGINT NOT NULL, firmware TEXT NOT NULL, state TEXT NOT NULL, battery_mv INTEGER,
            boots BIGINT NOT NULL, brownouts BIGINT NOT NULL, watchdogs BIGINT NOT NULL, panics BIGINT NOT NULL, uptime_s BIGINT,
            reconnects BIGINT, heap_low BIGINT,
            w2p_total INTEGER, w2p_wifi INTEGER, w2p_dhcp INTEGER, w2p_tls INTEGER, w2p_mqtt INTEGER, w2p_publish INTEGER,
            pending BIGINT, content_hash BIGINT, packet_id INTEGER,
            PRIMARY KEY (device_id, received_at));
        """;

    private const string Index = "CREATE INDEX IF NOT EXISTS device_vitals_by_firmware ON device_vitals (firmware, received_at);";

    /// <summary>
    /// Creates the table, brings an earlier receiver's table up to date (<see cref="MigrateReconnectsAsync"/>, then the
    /// columns added later), and indexes it.
    /// </summary>
    public static async Task MigrateAsync(DbConnection db, DbTransaction tx, bool postgres, CancellationToken ct)
    {
        await ExecuteAsync(db, tx, Table("device_vitals") + Index, ct);
        await MigrateReconnectsAsync(db, tx, postgres, ct);
        // The backlog (pending), and how each status was delivered (content_hash, packet_id). Earlier rows keep null:
        // the backlog they carried is not known, and a copy of one of them is not recognised (it is stored once more).
        await AddColumnAsync(db, tx, postgres, "pending", "BIGINT", ct);
        await AddColumnAsync(db, tx, postgres, "content_hash", "BIGINT", ct);
        await AddColumnAsync(db, tx, postgres, "packet_id", "INTEGER", ct);
    }

    /// <summary>
    /// Turns the NOT NULL reconnects column of an earlier receiver's table into a nullable one.
    /// That receiver stored a status without rc as 0 and no device sent rc 0 then, so its zeros become null ("not in
    /// this status"): this only loses information, never invents reconnects. The constraint itself marks a table not yet
    /// migrated, so the change runs once. SQLite cannot drop NOT NULL in place: the table is copied into a new one,
    /// which takes the old one's name (as the readings table's migration does).
    /// </summary>
    private static async Task MigrateReconnectsAsync(DbConnection db, DbTransaction tx, bool postgres, CancellationToken ct)
    {
        await using (var check = db.Command(postgres
            ? "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'device_vitals' AND column_name = 'reconnects' AND is_nullable = 'NO'"
            : "SELECT count(*) FROM pragma_table_info('device_vitals') WHERE name = 'reconnects' AND \"notnull\" = 1", tx))
        {
            if (Convert.ToInt64(await check.ExecuteScalarAsync(ct)) == 0) return;
        }
        await ExecuteAsync(db, tx, postgres
            ? "ALTER TABLE device_vitals ALTER COLUMN reconnects DROP NOT NULL; UPDATE device_vitals SET reconnects = NULL WHERE reconnects = 0;"
            : Table("device_vitals_rc") +
              $"INSERT INTO device_vitals_rc ({ColumnsBeforePending}) SELECT {ColumnsBeforePending.Replace("reconnects", "NULLIF(reconnects, 0)")} FROM device_vitals;" +
              "DROP TABLE device_vitals; ALTER TABLE device_vitals_rc RENAME TO device_vitals;" + Index, ct);
    }

    /// <summary>
    /// Adds a nullable column to a table of a receiver that did not have it; its rows keep null there. The missing column
    /// marks a table not yet migrated, so this runs once.
    /// </summary>
    private static async Task AddColumnAsync(DbConnection db, DbTransaction tx, bool postgres, string column, string type, CancellationToken ct)
    {
        await using (var check = db.Command(postgres
            ? "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'device_vitals' AND column_name = @column"
            : "SELECT count(*) FROM pragma_table_info('device_vitals') WHERE name = @column", tx).With("column", column))
        {
            if (Convert.ToInt64(await check.ExecuteScalarAsync(ct)) > 0) return;
        }
        await ExecuteAsync(db, tx, $"ALTER TABLE device_vitals ADD COLUMN {column} {type}", ct);
    }

    private static async Task ExecuteAsync(DbConnection db, DbTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = db.Command(sql, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// A copy of a stored status: the retained copy of the device's latest sample (sent on subscribing, by a broker that
    /// kept no session for this receiver or under MQTT 3.1.1), or a redelivery (DUP) of a sample stored under the same
    /// packet identifier. Both also need the same content. A status the device sent again with the same bytes is none of
    /// these: it comes live, after other statuses or under another packet identifier, and is a sample of its own.
    /// </summary>
    private const string CopyOfStored =
        "SELECT count(*) FROM device_vitals d WHERE d.device_id = @device_id AND d.content_hash = @content_hash AND (" +
        "(@retained = 1 AND d.received_at = (SELECT max(m.received_at) FROM device_vitals m WHERE m.device_id = @device_id)) OR " +
        "(@redelivered = 1 AND d.packet_id = @packet_id))";

    /// <summary>Stores a sample per status that carries vitals, except copies of stored ones (<see cref="CopyOfStored"/>).</summary>
    public static async Task InsertAsync(DbConnection db, DbTransaction tx, IEnumerable<StatusUpdate> statuses, CancellationToken ct)
    {
        DbCommand? cmd = null, copy = null, occupant = null;
        try
        {
            foreach (var s in statuses)
            {
                if (s.Status.Vitals is not { } v || s.Status.Firmware is null) continue;
                var how = s.Delivery;
                if (how is not null && (how.Retained || how.Redelivered))
                {
                    copy ??= db.Command(CopyOfStored, tx).With("device_id", null).With("content_hash", 0L).With("retained", 0L)
                        .With("redelivered", 0L).With("packet_id", 0L);
                    copy.Set("device_id", s.DeviceId);
                    copy.Set("content_hash", how.ContentHash);
                    copy.Set("retained", how.Retained ? 1L : 0L);
                    copy.Set("redelivered", how.Redelivered ? 1L : 0L);
                    copy.Set("packet_id", (long)how.PacketId);
                    if (Convert.ToInt64(await copy.ExecuteScalarAsync(ct)) > 0) continue;
                }
                cmd ??= db.Command($"INSERT INTO device_vitals ({InsertColumns}) VALUES (" + string.Join(", ", InsertColumns.Split(", ").Select(c => "@" + c)) +
                    ") ON CONFLICT DO NOTHING", tx);
                cmd.Parameters.Clear();
                var w = v.WakeToPublish;
                cmd.With("device_id", s.DeviceId).With("received_at", s.ReceivedAt.ToUnixTimeMilliseconds()).With("firmware", s.Status.Firmware)
                    .With("state", s.Status.State).With("battery_mv", s.Status.BatteryMillivolts).With("boots", v.Boots).With("brownouts", v.Brownouts)
                    .With("watchdogs", v.Watchdogs).With("panics", v.Panics).With("uptime_s", v.UptimeSeconds).With("reconnects", v.Reconnects)
                    .With("heap_low", v.HeapLowWaterBytes).With("w2p_total", w?.TotalMs).With("w2p_wifi", w?.WifiJoinMs).With("w2p_dhcp", w?.DhcpMs)
                    .With("w2p_tls", w?.TlsHandshakeMs).With("w2p_mqtt", w?.MqttConnectMs).With("w2p_publish", w?.PublishMs)
                    .With("pending", s.Status.Pending ?? 0).With("content_hash", how?.ContentHash).With("packet_id", how is null ? null : (long)how.PacketId);
                for (int later = 0; await cmd.ExecuteNonQueryAsync(ct) == 0 && how is not null; later++)
                {
                    occupant ??= db.Command(OccupantHash, tx).With("device_id", null).With("received_at", 0L);
                    occupant.Set("device_id", s.DeviceId);
                    occupant.Set("received_at", cmd.Parameters["received_at"].Value);
                    if (await occupant.ExecuteScalarAsync(ct) is not long hash || hash == how.ContentHash) break;
                    if (later == MaxMillisecondsLater)
                        throw new InvalidOperationException($"{s.DeviceId} has other status samples in each of the {MaxMillisecondsLater} ms after this one's receive time");
                    cmd.Set("received_at", Convert.ToInt64(cmd.Parameters["received_at"].Value) + 1);
                }
            }
        }
        finally
        {
            if (cmd is not null) await cmd.DisposeAsync();
            if (copy is not null) await copy.DisposeAsync();
            if (occupant is not null) await occupant.DisposeAsync();
        }
    }

    /// <summary>
    /// The content hash of the sample that has a receive time. Each receiver stamps its messages one millisecond apart
    /// (Ingest/ReceiveStamps.cs), but receivers sharing a store stamp theirs independently: another status of the device
    /// taken by another receiver in the same millisecond has another content, and this one is then stored a millisecond
    /// later. The same content at that time is this status written again, and is not stored twice.
    /// </summary>
    private const string OccupantHash = "SELECT content_hash FROM device_vitals WHERE device_id = @device_id AND received_at = @received_at";

    private const int MaxMillisecondsLater = 1000;

    /// <summary>Samples received in [fromMs, toMs), oldest first; one device, or every device when <paramref name="deviceId"/> is null.</summary>
    public static async Task<IReadOnlyList<VitalsSample>> QueryAsync(DbConnection db, string? deviceId, long fromMs, long toMs, int limit, CancellationToken ct)
    {
        await using var cmd = db.Command($"SELECT {Columns} FROM device_vitals WHERE received_at >= @from AND received_at < @to" +
            (deviceId is null ? "" : " AND device_id = @id") + " ORDER BY received_at, device_id LIMIT @limit")
            .With("from", fromMs).With("to", toMs).With("limit", limit);
        if (deviceId is not null) cmd.With("id", deviceId);
        return await ReadAsync(cmd, ct);
    }

    /// <summary>
    /// The samples of the devices in <paramref name="windows"/>, each received in [its FromMs, toMs), by device and then
    /// oldest first: one query, the list passed as a JSON parameter that <paramref name="windowsTable"/> (the store's
    /// dialect) turns into the table w (id, from_ms), joined on the table's key (device_id, received_at).
    /// </summary>
    public static async Task<IReadOnlyList<VitalsSample>> QueryCohortAsync(DbConnection db, string windowsTable, IReadOnlyList<VitalsWindow> windows,
        long toMs, int limit, CancellationToken ct)
    {
        string json = JsonSerializer.Serialize(windows.Select(w => new Dictionary<string, object> { ["id"] = w.DeviceId, ["from_ms"] = w.FromMs }));
        await using var cmd = db.Command($"SELECT {string.Join(", ", Columns.Split(", ").Select(c => "v." + c))} FROM {windowsTable} " +
            "JOIN device_vitals v ON v.device_id = w.id AND v.received_at >= w.from_ms AND v.received_at < @to " +
            "ORDER BY v.device_id, v.received_at LIMIT @limit")
            .With("windows", json).With("to", toMs).With("limit", limit);
        return await ReadAsync(cmd, ct);
    }

    private static async Task<IReadOnlyList<VitalsSample>> ReadAsync(DbCommand cmd, CancellationToken ct)
    {
        var list = new List<VitalsSample>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(new VitalsSample(r.GetString(0), Convert.ToInt64(r.GetValue(1)), r.GetString(2), r.GetString(3), r.NullableInt32(4),
                Convert.ToInt64(r.GetValue(5)), Convert.ToInt64(r.GetValue(6)), Convert.ToInt64(r.GetValue(7)), Convert.ToInt64(r.GetValue(8)),
                r.NullableInt64(9), r.NullableInt64(10), r.NullableInt64(11),
                r.IsDBNull(12) ? null : new Decoding.WakeToPublish(r.GetInt32(12), r.NullableInt32(13), r.NullableInt32(14), r.NullableInt32(15), r.NullableInt32(16), r.NullableInt32(17)),
                r.NullableInt64(18)));
        }
        return list;
    }
}
