using System.Text;
using Microsoft.Data.Sqlite;
using NodeFirmware.Receiver.Model;
using SQLitePCL;

namespace NodeFirmware.Receiver.Storage.Sqlite;

/// <summary>
/// Schema 2's bulk insert, now used by its migration only (new readings go into packed rows, <see cref="PackedReadings"/>):
/// inserts readings with multi-row INSERT ... ON CONFLICT DO NOTHING statements of up to 64 rows, prepared once per
/// shape (table, rows, value columns) and kept for the life of the writer connection. The statement's change count
/// is the number of readings that were new; the rest were duplicates of stored keys.
/// Parameters are bound by position through SQLitePCL (the library under Microsoft.Data.Sqlite): SQLite looks a
/// named parameter up by a linear search, so binding a 64-row statement's ~800 parameters by name costs more than
/// the insert itself.
/// </summary>
internal sealed class SqliteReadingInserter : IDisposable
{
    private const int RowsPerStatement = 64;
    private const int FixedColumns = 9;
    private readonly Dictionary<(string Table, int Rows, int Width), sqlite3_stmt> _statements = new();

    /// <summary>Runs inside the caller's transaction on <paramref name="db"/> (a statement joins the connection's open transaction).</summary>
    public int Insert(SqliteConnection db, string table, IReadOnlyList<(TelemetryRecord Record, long ReceivedAtMs)> readings, int[] layouts)
    {
        int inserted = 0;
        // Rows come in key order (the migration reads them so), so a device's rows follow each other: its id is encoded to UTF-8 once per device.
        string? device = null;
        byte[] deviceUtf8 = [];
        for (int offset = 0; offset < readings.Count; offset += RowsPerStatement)
        {
            int rows = Math.Min(RowsPerStatement, readings.Count - offset);
            int width = 0;
            for (int i = offset; i < offset + rows; i++) width = Math.Max(width, readings[i].Record.Values.Count);
            width = (width + 3) / 4 * 4; // few shapes: 4, 8, 12 or 16 value columns
            var stmt = Statement(db, table, rows, width);
            int p = 1;
            for (int i = offset; i < offset + rows; i++)
            {
                var (r, receivedMs) = readings[i];
                if (!string.Equals(device, r.Key.DeviceId, StringComparison.Ordinal))
                {
                    device = r.Key.DeviceId;
                    deviceUtf8 = Encoding.UTF8.GetBytes(device);
                }
                Check(db, raw.sqlite3_bind_text(stmt, p++, deviceUtf8.AsSpan()));
                Check(db, raw.sqlite3_bind_int64(stmt, p++, r.Time));
                Check(db, raw.sqlite3_bind_int64(stmt, p++, r.Key.Epoch));
                Check(db, raw.sqlite3_bind_int64(stmt, p++, r.Key.Sequence));
                Check(db, raw.sqlite3_bind_int64(stmt, p++, r.DeviceTime));
                Check(db, raw.sqlite3_bind_int64(stmt, p++, (int)r.TimeSource));
                Check(db, r.Fault is null ? raw.sqlite3_bind_null(stmt, p++) : raw.sqlite3_bind_text(stmt, p++, r.Fault));
                Check(db, raw.sqlite3_bind_int64(stmt, p++, receivedMs));
                Check(db, raw.sqlite3_bind_int64(stmt, p++, layouts[i]));
                for (int v = 0; v < width; v++)
                    Check(db, v < r.Values.Count ? raw.sqlite3_bind_double(stmt, p++, r.Values[v].Value) : raw.sqlite3_bind_null(stmt, p++));
            }
            int step = raw.sqlite3_step(stmt);
            raw.sqlite3_reset(stmt);
            if (step != raw.SQLITE_DONE) throw Error(db, step);
            inserted += raw.sqlite3_changes(db.Handle);
        }
        return inserted;
    }

    private sqlite3_stmt Statement(SqliteConnection db, string table, int rows, int width)
    {
        if (_statements.TryGetValue((table, rows, width), out var stmt)) return stmt;
        var columns = "device_id, ts, epoch, seq, device_ts, time_source, fault, received_at, layout" + string.Concat(Enumerable.Range(0, width).Select(i => $", v{i}"));
        var row = "(" + string.Join(", ", Enumerable.Repeat("?", FixedColumns + width)) + ")";
        var sql = $"INSERT INTO {table} ({columns}) VALUES {string.Join(", ", Enumerable.Repeat(row, rows))} ON CONFLICT DO NOTHING";
        int rc = raw.sqlite3_prepare_v2(db.Handle, sql, out stmt);
        if (rc != raw.SQLITE_OK)
        {
            stmt.Dispose();
            throw Error(db, rc);
        }
        _statements[(table, rows, width)] = stmt;
        return stmt;
    }

    private static void Check(SqliteConnection db, int rc)
    {
        if (rc != raw.SQLITE_OK) throw Error(db, rc);
    }

    private static SqliteException Error(SqliteConnection db, int rc) => new(raw.sqlite3_errmsg(db.Handle).utf8_to_string(), rc);

    public void Dispose()
    {
        foreach (var stmt in _statements.Values) stmt.Dispose();
        _statements.Clear();
    }
}
