using System.Data.Common;
using NodeFirmware.Receiver.Model;

namespace NodeFirmware.Receiver.Storage;

/// <summary>
/// The queries both SQL stores share (the SQL here is valid for SQLite and PostgreSQL alike); each store supplies
/// its connections, schema, and write path.
/// </summary>
public abstract class SqlTelemetryStore : ITelemetryStore
{
    protected const string DeviceColumns =
        "id, cert_serial, tags, board, firmware, slot, state, registered_at, revoked_at, last_seen, battery_mv, last_reading_time";

    protected abstract Task<DbConnection> OpenAsync(CancellationToken ct);

    /// <summary>The layouts that name the value columns of the readings table (see <see cref="ReadingLayouts"/>).</summary>
    protected ReadingLayouts Layouts { get; } = new();

    public abstract Task MigrateAsync(CancellationToken ct = default);
    public abstract Task<WriteResult> WriteAsync(WriteBatch batch, CancellationToken ct = default);
    public abstract ValueTask DisposeAsync();

    /// <summary>The SQL for the larger of two values, where NULL counts as smaller than anything.</summary>
    protected abstract string Greatest(string a, string b);

    /// <summary>
    /// The SQL for a table <c>w (id, from_ms)</c> made from the JSON array of <c>{"id", "from_ms"}</c> objects in the parameter
    /// <paramref name="parameter"/>: a whole list of devices passed as one parameter, however long it is.
    /// </summary>
    protected abstract string JsonWindows(string parameter);

    public async Task RegisterDeviceAsync(DeviceRegistration registration, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var db = await OpenAsync(ct);
        // A new certificate serial (re-provisioning) lifts an earlier revocation, which was of the old certificate.
        await using var cmd = db.Command(
            "INSERT INTO devices (id, cert_serial, tags, board, registered_at) VALUES (@id, @serial, @tags, @board, @at) " +
            "ON CONFLICT (id) DO UPDATE SET cert_serial = excluded.cert_serial, tags = excluded.tags, board = excluded.board, " +
            "registered_at = COALESCE(devices.registered_at, excluded.registered_at), " +
            "revoked_at = CASE WHEN devices.cert_serial = excluded.cert_serial THEN devices.revoked_at ELSE NULL END")
            .With("id", registration.Id).With("serial", registration.CertSerial).With("tags", TagList.Serialize(registration.Tags))
            .With("board", registration.Board).With("at", at.ToUnixTimeMilliseconds());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<bool> RevokeDeviceAsync(string deviceId, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var db = await OpenAsync(ct);
        await using var cmd = db.Command("UPDATE devices SET revoked_at = COALESCE(revoked_at, @at) WHERE id = @id")
            .With("id", deviceId).With("at", at.ToUnixTimeMilliseconds());
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<DeviceRecord?> GetDeviceAsync(string deviceId, CancellationToken ct = default)
    {
        await using var db = await OpenAsync(ct);
        await using var cmd = db.Command($"SELECT {DeviceColumns} FROM devices WHERE id = @id").With("id", deviceId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ReadDevice(r) : null;
    }

    public async Task<IReadOnlyList<DeviceRecord>> ListDevicesAsync(CancellationToken ct = default)
    {
        await using var db = await OpenAsync(ct);
        await using var cmd = db.Command($"SELECT {DeviceColumns} FROM devices ORDER BY id");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<DeviceRecord>();
        while (await r.ReadAsync(ct)) list.Add(ReadDevice(r));
        return list;
    }

    public async Task<IReadOnlyList<DeviceRecord>> ListDevicesPageAsync(string? after, int limit, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var db = await OpenAsync(ct);
        // The primary key's index serves both the range and the order, so a page costs its own rows, not the fleet's.
        await using var cmd = after is null
            ? db.Command($"SELECT {DeviceColumns} FROM devices ORDER BY id LIMIT @limit")
            : db.Command($"SELECT {DeviceColumns} FROM devices WHERE id > @after ORDER BY id LIMIT @limit").With("after", after);
        cmd.With("limit", (long)limit);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<DeviceRecord>();
        while (await r.ReadAsync(ct)) list.Add(ReadDevice(r));
        return list;
    }

    private static DeviceRecord ReadDevice(DbDataReader r) => new(
        r.GetString(0), r.NullableString(1), TagList.Parse(r.NullableString(2)), r.NullableString(3), r.NullableString(4),
        r.NullableString(5), r.NullableString(6), UnixTime.FromMs(r.GetValue(7)), UnixTime.FromMs(r.GetValue(8)),
        UnixTime.FromMs(r.GetValue(9)), r.NullableInt32(10), r.NullableInt64(11));

    public async Task<IReadOnlyList<ChannelBucket>> QueryBucketsAsync(string deviceId, long from, long to, int bucketSeconds, CancellationToken ct = default)
    {
        if (bucketSeconds <= 0) throw new ArgumentOutOfRangeException(nameof(bucketSeconds), bucketSeconds, "a bucket must be at least one second");
        await using var db = await OpenAsync(ct);
        int width = await Layouts.MaxWidthAsync(db, ct);
        if (width == 0) return [];
        var merged = new Dictionary<(string Channel, string Unit, long Start), BucketSum>();
        // The packed rows are summed here, reading by reading; the rows of schema 2 by the database below.
        foreach (var reading in await PackedInRangeAsync(db, deviceId, from, to, ct))
        {
            long start = reading.Time / bucketSeconds * bucketSeconds;
            foreach (var v in reading.Values)
            {
                var key = (v.Channel, v.Unit, start);
                merged[key] = merged.TryGetValue(key, out var sum) ? sum.Add(1, v.Value, v.Value, v.Value) : new BucketSum(1, v.Value, v.Value, v.Value);
            }
        }
        // One row per (layout, bucket) with count/avg/min/max of each value column; the layout names the columns.
        var aggregates = string.Join(", ", Enumerable.Range(0, width).Select(i => $"count(v{i}), avg(v{i}), min(v{i}), max(v{i})"));
        await using var cmd = db.Command(
            $"SELECT layout, (ts / @bucket) * @bucket AS start, {aggregates} " +
            "FROM readings WHERE device_id = @id AND ts >= @from AND ts < @to GROUP BY layout, start")
            .With("id", deviceId).With("from", from).With("to", to).With("bucket", (long)bucketSeconds);
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var layout = await Layouts.GetAsync(db, Convert.ToInt32(r.GetValue(0)), ct);
                long start = Convert.ToInt64(r.GetValue(1));
                for (int i = 0; i < layout.Width; i++)
                {
                    int c = 2 + 4 * i;
                    long n = Convert.ToInt64(r.GetValue(c));
                    if (n == 0) continue;
                    var (channel, unit) = layout.Channels[i];
                    var key = (channel, unit, start);
                    merged[key] = merged.TryGetValue(key, out var sum)
                        ? sum.Add(n, Convert.ToDouble(r.GetValue(c + 1)), Convert.ToDouble(r.GetValue(c + 2)), Convert.ToDouble(r.GetValue(c + 3)))
                        : new BucketSum(n, Convert.ToDouble(r.GetValue(c + 1)) * n, Convert.ToDouble(r.GetValue(c + 2)), Convert.ToDouble(r.GetValue(c + 3)));
                }
            }
        }
        return merged
            .OrderBy(b => b.Key.Channel, StringComparer.Ordinal).ThenBy(b => b.Key.Start).ThenBy(b => b.Key.Unit, StringComparer.Ordinal)
            .Select(b => new ChannelBucket(b.Key.Channel, b.Key.Unit, b.Key.Start, b.Value.Count,
                // A sum of equal values divided again may land an ulp outside them.
                Math.Clamp(b.Value.Sum / b.Value.Count, b.Value.Min, b.Value.Max), b.Value.Min, b.Value.Max))
            .ToList();
    }

    /// <summary>One channel's bucket merged over the layouts that hold it.</summary>
    private readonly record struct BucketSum(long Count, double Sum, double Min, double Max)
    {
        public BucketSum Add(long n, double average, double min, double max) => new(Count + n, Sum + average * n, Math.Min(Min, min), Math.Max(Max, max));
    }

    public async Task<IReadOnlyList<StoredReading>> QueryReadingsAsync(string deviceId, long from, long to, int limit, CancellationToken ct = default)
    {
        await using var db = await OpenAsync(ct);
        int width = await Layouts.MaxWidthAsync(db, ct);
        string values = string.Concat(Enumerable.Range(0, width).Select(i => $", v{i}"));
        await using var cmd = db.Command(
            $"SELECT epoch, seq, ts, device_ts, time_source, fault, layout{values} FROM readings " +
            "WHERE device_id = @id AND ts >= @from AND ts < @to ORDER BY ts, epoch, seq LIMIT @limit")
            .With("id", deviceId).With("from", from).With("to", to).With("limit", (long)limit);
        var list = new List<StoredReading>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var layout = await Layouts.GetAsync(db, Convert.ToInt32(r.GetValue(6)), ct);
                var channels = new List<ChannelValue>(layout.Width);
                for (int i = 0; i < layout.Width; i++)
                    if (!r.IsDBNull(7 + i)) channels.Add(new ChannelValue(layout.Channels[i].Channel, layout.Channels[i].Unit, Convert.ToDouble(r.GetValue(7 + i))));
                channels.Sort((a, b) => string.CompareOrdinal(a.Channel, b.Channel));
                list.Add(new StoredReading(new ReadingKey(deviceId, Convert.ToInt64(r.GetValue(0)), Convert.ToInt64(r.GetValue(1))),
                    Convert.ToInt64(r.GetValue(2)), Convert.ToInt64(r.GetValue(3)), (TimeSource)Convert.ToInt32(r.GetValue(4)), r.NullableString(5), channels));
            }
        }
        foreach (var p in await PackedInRangeAsync(db, deviceId, from, to, ct))
        {
            var channels = new List<ChannelValue>(p.Values);
            channels.Sort((a, b) => string.CompareOrdinal(a.Channel, b.Channel));
            list.Add(new StoredReading(p.Key, p.Time, p.DeviceTime, p.TimeSource, p.Fault, channels));
        }
        list.Sort((a, b) =>
        {
            int c = a.Time.CompareTo(b.Time);
            if (c == 0) c = a.Key.Epoch.CompareTo(b.Key.Epoch);
            return c != 0 ? c : a.Key.Sequence.CompareTo(b.Key.Sequence);
        });
        if (list.Count > limit) list.RemoveRange(limit, list.Count - limit);
        return list;
    }

    /// <summary>The readings of the packed rows of <paramref name="deviceId"/> timed in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    private async Task<List<TelemetryRecord>> PackedInRangeAsync(DbConnection db, string deviceId, long from, long to, CancellationToken ct)
    {
        var readings = new List<TelemetryRecord>();
        await using var cmd = db.Command(PackedRowSql.InTimeRange).With("id", deviceId).With("from", from).With("to", to);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var layout = await Layouts.GetAsync(db, Convert.ToInt32(r.GetValue(4)), ct);
            var unpacked = PackedReadings.Unpack((byte[])r.GetValue(5), deviceId, Convert.ToInt64(r.GetValue(0)), Convert.ToInt64(r.GetValue(1)),
                Convert.ToInt32(r.GetValue(2)), layout.Channels, Convert.ToInt64(r.GetValue(3)));
            foreach (var reading in unpacked)
                if (reading.Time >= from && reading.Time < to) readings.Add(reading);
        }
        return readings;
    }

    public async Task<long> CountReadingsAsync(string? deviceId = null, CancellationToken ct = default)
    {
        await using var db = await OpenAsync(ct);
        await using var cmd = deviceId is null
            ? db.Command("SELECT (SELECT count(*) FROM readings) + (SELECT COALESCE(sum(count), 0) FROM reading_batches)")
            : db.Command("SELECT (SELECT count(*) FROM readings WHERE device_id = @id) + (SELECT COALESCE(sum(count), 0) FROM reading_batches WHERE device_id = @id)")
                .With("id", deviceId);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct));
    }

    public async Task<IReadOnlyList<QuarantineEntry>> ListQuarantineAsync(int limit, CancellationToken ct = default)
    {
        await using var db = await OpenAsync(ct);
        await using var cmd = db.Command(
            "SELECT id, received_at, topic, reason, message, payload FROM quarantine ORDER BY id DESC LIMIT @limit").With("limit", (long)limit);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<QuarantineEntry>();
        while (await r.ReadAsync(ct))
        {
            list.Add(new QuarantineEntry(Convert.ToInt64(r.GetValue(0)), UnixTime.FromMs(r.GetValue(1))!.Value, r.GetString(2),
                r.GetString(3), r.GetString(4), (byte[])r.GetValue(5)));
        }
        return list;
    }

    public async Task<StoreCounts> GetCountsAsync(CancellationToken ct = default)
    {
        await using var db = await OpenAsync(ct);
        var counters = new Dictionary<string, long>();
        await using (var cmd = db.Command("SELECT name, value FROM counters"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) counters[r.GetString(0)] = Convert.ToInt64(r.GetValue(1));

        var quarantined = new Dictionary<string, long>();
        await using (var cmd = db.Command("SELECT reason, count(*) FROM quarantine GROUP BY reason"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) quarantined[r.GetString(0)] = Convert.ToInt64(r.GetValue(1));

        long[] commands = await ScalarsAsync(db,
            "SELECT count(*), count(acked_at), COALESCE(sum(CASE WHEN ok = 1 THEN 1 ELSE 0 END), 0) FROM commands", ct);
        long[] ota = await ScalarsAsync(db, "SELECT count(*), COALESCE(sum(succeeded), 0) FROM ota_results", ct);
        return new StoreCounts(
            counters.GetValueOrDefault(StoreCounterNames.ReadingsStored), counters.GetValueOrDefault(StoreCounterNames.DuplicatesIgnored),
            quarantined, commands[0], commands[1], commands[2], ota[0], ota[1]);
    }

    public async Task<QuarantinePruned> PruneQuarantineAsync(DateTimeOffset olderThan, int maxEntries, long maxBytes, CancellationToken ct = default)
    {
        await using var db = await OpenAsync(ct);
        long byAge, bySize;
        await using (var cmd = db.Command("DELETE FROM quarantine WHERE received_at < @cutoff").With("cutoff", olderThan.ToUnixTimeMilliseconds()))
            byAge = await cmd.ExecuteNonQueryAsync(ct);
        // Keep the newest entries while both their count and their running payload size stay within the limits.
        await using (var cmd = db.Command(
            "DELETE FROM quarantine WHERE id < (SELECT COALESCE(min(id), 0) FROM (" +
            "SELECT id, row_number() OVER (ORDER BY id DESC) AS n, sum(length(payload)) OVER (ORDER BY id DESC) AS total FROM quarantine) kept " +
            "WHERE n <= @entries AND total <= @bytes)")
            .With("entries", (long)maxEntries).With("bytes", maxBytes))
            bySize = await cmd.ExecuteNonQueryAsync(ct);
        return new QuarantinePruned(byAge, bySize);
    }

    private static async Task<long[]> ScalarsAsync(DbConnection db, string sql, CancellationToken ct)
    {
        await using var cmd = db.Command(sql);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var values = new long[r.FieldCount];
        for (int i = 0; i < values.Length; i++) values[i] = Convert.ToInt64(r.GetValue(i));
        return values;
    }

    public async Task RecordCommandSentAsync(string commandId, string deviceId, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var db = await OpenAsync(ct);
        await using var cmd = db.Command("INSERT INTO commands (id, device_id, sent_at) VALUES (@id, @device, @at) ON CONFLICT (id) DO NOTHING")
            .With("id", commandId).With("device", deviceId).With("at", at.ToUnixTimeMilliseconds());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<bool> RecordCommandAckAsync(string commandId, bool ok, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var db = await OpenAsync(ct);
        await using var cmd = db.Command("UPDATE commands SET acked_at = @at, ok = @ok WHERE id = @id AND acked_at IS NULL")
            .With("id", commandId).With("ok", ok ? 1 : 0).With("at", at.ToUnixTimeMilliseconds());
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task RecordOtaOutcomeAsync(string campaign, string deviceId, bool succeeded, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var db = await OpenAsync(ct);
        await using var cmd = db.Command(
            "INSERT INTO ota_results (campaign, device_id, finished_at, succeeded) VALUES (@campaign, @device, @at, @ok) " +
            "ON CONFLICT (campaign, device_id) DO UPDATE SET finished_at = excluded.finished_at, succeeded = excluded.succeeded")
            .With("campaign", campaign).With("device", deviceId).With("at", at.ToUnixTimeMilliseconds()).With("ok", succeeded ? 1 : 0);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Device rows touched by a batch: created if unknown (unregistered), last seen / battery / newest reading moved forward.</summary>
    protected virtual async Task UpsertActivityAsync(DbConnection db, DbTransaction tx, BatchPlan plan, CancellationToken ct)
    {
        if (plan.Activity.Count == 0) return;
        await using var cmd = db.Command(
            "INSERT INTO devices (id, tags, last_seen, battery_mv, last_reading_time) VALUES (@id, '[]', @seen, @battery, @reading) " +
            "ON CONFLICT (id) DO UPDATE SET " +
            $"battery_mv = CASE WHEN excluded.battery_mv IS NOT NULL AND (devices.last_seen IS NULL OR devices.last_seen <= excluded.last_seen) THEN excluded.battery_mv ELSE devices.battery_mv END, " +
            $"last_seen = {Greatest("devices.last_seen", "excluded.last_seen")}, " +
            $"last_reading_time = {Greatest("devices.last_reading_time", "excluded.last_reading_time")}", tx)
            .With("id", null).With("seen", null).With("battery", null).With("reading", null);
        foreach (var a in plan.Activity.Values.OrderBy(a => a.DeviceId, StringComparer.Ordinal))
        {
            cmd.Set("id", a.DeviceId);
            cmd.Set("seen", a.LastSeenMs);
            cmd.Set("battery", a.BatteryMillivolts);
            cmd.Set("reading", a.LastReadingTime);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    protected static async Task ApplyStatusesAsync(DbConnection db, DbTransaction tx, WriteBatch batch, CancellationToken ct)
    {
        if (batch.Statuses.Count == 0) return;
        // Retained status messages can arrive out of order after a reconnect; the newest receive time wins.
        await using var cmd = db.Command(
            "UPDATE devices SET state = @state, firmware = COALESCE(@fw, firmware), slot = COALESCE(@slot, slot), status_at = @at " +
            "WHERE id = @id AND (status_at IS NULL OR status_at <= @at)", tx)
            .With("id", null).With("state", null).With("fw", null).With("slot", null).With("at", null);
        foreach (var s in batch.Statuses)
        {
            cmd.Set("id", s.DeviceId);
            cmd.Set("state", s.Status.State);
            cmd.Set("fw", s.Status.Firmware);
            cmd.Set("slot", s.Status.Slot);
            cmd.Set("at", s.ReceivedAt.ToUnixTimeMilliseconds());
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await VitalsRows.InsertAsync(db, tx, batch.Statuses, ct);
    }

    public async Task<IReadOnlyList<Vitals.VitalsSample>> QueryVitalsAsync(string? deviceId, long fromMs, long toMs, int limit, CancellationToken ct = default)
    {
        await using var db = await OpenAsync(ct);
        return await VitalsRows.QueryAsync(db, deviceId, fromMs, toMs, limit, ct);
    }

    public async Task<IReadOnlyList<Vitals.VitalsSample>> QueryCohortVitalsAsync(IReadOnlyList<Vitals.VitalsWindow> devices, long toMs, int limit,
        CancellationToken ct = default)
    {
        if (devices.Count == 0) return [];
        await using var db = await OpenAsync(ct);
        return await VitalsRows.QueryCohortAsync(db, JsonWindows("windows"), devices, toMs, limit, ct);
    }

    protected static async Task InsertQuarantineAsync(DbConnection db, DbTransaction tx, WriteBatch batch, CancellationToken ct)
    {
        if (batch.Quarantine.Count == 0) return;
        await using var cmd = db.Command(
            "INSERT INTO quarantine (received_at, topic, reason, message, payload) VALUES (@at, @topic, @reason, @message, @payload)", tx)
            .With("at", null).With("topic", null).With("reason", null).With("message", null).With("payload", Array.Empty<byte>());
        foreach (var q in batch.Quarantine)
        {
            cmd.Set("at", q.ReceivedAt.ToUnixTimeMilliseconds());
            cmd.Set("topic", q.Topic);
            cmd.Set("reason", q.Reason);
            cmd.Set("message", q.Message);
            cmd.Set("payload", q.Payload);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    protected static async Task AddCountersAsync(DbConnection db, DbTransaction tx, long inserted, long duplicates, CancellationToken ct)
    {
        await using var cmd = db.Command("UPDATE counters SET value = value + @n WHERE name = @name", tx).With("n", 0L).With("name", "");
        foreach (var (name, n) in new[] { (StoreCounterNames.ReadingsStored, inserted), (StoreCounterNames.DuplicatesIgnored, duplicates) })
        {
            if (n == 0) continue;
            cmd.Set("name", name);
            cmd.Set("n", n);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }
}
