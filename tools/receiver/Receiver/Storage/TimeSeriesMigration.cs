using System.Data.Common;
using NodeFirmware.Receiver.Model;

namespace NodeFirmware.Receiver.Storage;

/// <summary>
/// Schema 2 of both stores: from one row per reading plus one row per value (readings + reading_values) to one row
/// per reading with its values in typed columns (see <see cref="ReadingLayouts"/>). The new table is created as
/// readings_new, every stored reading is copied through the store's own bulk insert, then the old tables are dropped
/// and readings_new takes the name readings — all inside the migration's transaction, so a failure leaves schema 1.
/// </summary>
internal sealed class TimeSeriesMigration(string createSql, string finishSql)
{
    public const string NewTable = "readings_new";
    private const int ReadingsPerChunk = 5000;

    /// <param name="insert">The store's bulk insert of readings into <see cref="NewTable"/>; returns the rows inserted.</param>
    public async Task ApplyAsync(DbConnection db, DbTransaction tx,
        Func<List<(TelemetryRecord Record, long ReceivedAtMs)>, Task<int>> insert, CancellationToken ct)
    {
        await using (var cmd = db.Command(createSql, tx)) await cmd.ExecuteNonQueryAsync(ct);
        long copied = 0, expected;
        await using (var cmd = db.Command("SELECT count(*) FROM readings", tx)) expected = Convert.ToInt64(await cmd.ExecuteScalarAsync(ct));
        ReadingKey? after = null;
        while (true)
        {
            var chunk = await ReadChunkAsync(db, tx, after, ct);
            if (chunk.Count == 0) break;
            copied += await insert(chunk);
            after = chunk[^1].Record.Key;
        }
        if (copied != expected)
            throw new InvalidOperationException($"migrating the readings to one row each copied {copied} of {expected}; nothing was changed");
        await using (var cmd = db.Command(finishSql, tx)) await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The next readings by key after <paramref name="after"/>, with their values (ordered by channel).</summary>
    private static async Task<List<(TelemetryRecord Record, long ReceivedAtMs)>> ReadChunkAsync(DbConnection db, DbTransaction tx, ReadingKey? after, CancellationToken ct)
    {
        string where = after is null ? "" : "WHERE device_id > @d OR (device_id = @d AND (epoch > @e OR (epoch = @e AND seq > @s))) ";
        await using var cmd = db.Command(
            "SELECT r.device_id, r.epoch, r.seq, r.ts, r.device_ts, r.time_source, r.fault, r.received_at, v.channel, v.unit, v.value FROM " +
            $"(SELECT * FROM readings {where}ORDER BY device_id, epoch, seq LIMIT {ReadingsPerChunk}) r " +
            "LEFT JOIN reading_values v ON v.device_id = r.device_id AND v.epoch = r.epoch AND v.seq = r.seq " +
            "ORDER BY r.device_id, r.epoch, r.seq, v.channel", tx);
        if (after is { } a) cmd.With("d", a.DeviceId).With("e", a.Epoch).With("s", a.Sequence);
        var list = new List<(TelemetryRecord Record, long ReceivedAtMs)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        List<ChannelValue>? values = null;
        while (await r.ReadAsync(ct))
        {
            var key = new ReadingKey(r.GetString(0), Convert.ToInt64(r.GetValue(1)), Convert.ToInt64(r.GetValue(2)));
            if (list.Count == 0 || list[^1].Record.Key != key)
            {
                values = new List<ChannelValue>();
                list.Add((new TelemetryRecord(key, Convert.ToInt64(r.GetValue(3)), Convert.ToInt64(r.GetValue(4)),
                    (TimeSource)Convert.ToInt32(r.GetValue(5)), r.NullableString(6), values), Convert.ToInt64(r.GetValue(7))));
            }
            if (!r.IsDBNull(8)) values!.Add(new ChannelValue(r.GetString(8), r.GetString(9), Convert.ToDouble(r.GetValue(10))));
        }
        return list;
    }
}
