using Microsoft.Data.Sqlite;
using NodeFirmware.Receiver.Model;

namespace NodeFirmware.Receiver.Storage.Sqlite;

/// <summary>
/// Inserts readings with multi-row INSERT ... ON CONFLICT DO NOTHING statements of up to 64 rows, prepared once per
/// shape (table, rows, value columns) and kept for the life of the writer connection. The statement's change count
/// is the number of readings that were new; the rest were duplicates of stored keys.
/// </summary>
internal sealed class SqliteReadingInserter : IDisposable
{
    private const int RowsPerStatement = 64;
    private const int FixedColumns = 9;
    private readonly Dictionary<(string Table, int Rows, int Width), SqliteCommand> _commands = new();

    public int Insert(SqliteConnection db, SqliteTransaction tx, string table, IReadOnlyList<(TelemetryRecord Record, long ReceivedAtMs)> readings, int[] layouts)
    {
        int inserted = 0;
        for (int offset = 0; offset < readings.Count; offset += RowsPerStatement)
        {
            int rows = Math.Min(RowsPerStatement, readings.Count - offset);
            int width = 0;
            for (int i = offset; i < offset + rows; i++) width = Math.Max(width, readings[i].Record.Values.Count);
            width = (width + 3) / 4 * 4; // few shapes: 4, 8, 12 or 16 value columns
            var cmd = Command(db, table, rows, width);
            cmd.Transaction = tx;
            var p = cmd.Parameters;
            int k = 0;
            for (int i = offset; i < offset + rows; i++)
            {
                var (r, receivedMs) = readings[i];
                p[k++].Value = r.Key.DeviceId;
                p[k++].Value = r.Time;
                p[k++].Value = r.Key.Epoch;
                p[k++].Value = r.Key.Sequence;
                p[k++].Value = r.DeviceTime;
                p[k++].Value = (int)r.TimeSource;
                p[k++].Value = (object?)r.Fault ?? DBNull.Value;
                p[k++].Value = receivedMs;
                p[k++].Value = layouts[i];
                for (int v = 0; v < width; v++) p[k++].Value = v < r.Values.Count ? r.Values[v].Value : DBNull.Value;
            }
            inserted += cmd.ExecuteNonQuery();
        }
        return inserted;
    }

    private SqliteCommand Command(SqliteConnection db, string table, int rows, int width)
    {
        if (_commands.TryGetValue((table, rows, width), out var cmd)) return cmd;
        int perRow = FixedColumns + width;
        var columns = "device_id, ts, epoch, seq, device_ts, time_source, fault, received_at, layout" + string.Concat(Enumerable.Range(0, width).Select(i => $", v{i}"));
        var values = string.Join(", ", Enumerable.Range(0, rows).Select(r => "(" + string.Join(", ", Enumerable.Range(0, perRow).Select(c => $"@p{r * perRow + c}")) + ")"));
        cmd = db.CreateCommand();
        cmd.CommandText = $"INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT DO NOTHING";
        for (int i = 0; i < rows * perRow; i++) cmd.Parameters.Add(new SqliteParameter($"@p{i}", DBNull.Value));
        _commands[(table, rows, width)] = cmd;
        return cmd;
    }

    public void Dispose()
    {
        foreach (var cmd in _commands.Values) cmd.Dispose();
        _commands.Clear();
    }
}
