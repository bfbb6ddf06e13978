using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace NodeFirmware.Receiver.Tests.Support;

/// <summary>
/// Writes a database as the receiver did before schema 2: one readings row per reading plus one reading_values row
/// per value (entity-attribute-value), row by row. The DDL is a frozen copy of schema 1, so the migration test
/// keeps testing the real upgrade path after the stores' own code moves on.
/// </summary>
public static class SchemaOneDatabase
{
    public const string Device = "esp32-0123456789ab";
    public const int Readings = 120;
    public const long FirstTime = 1_749_988_800; // a multiple of 3600 (bucket boundaries)
    public static readonly string[] Channels = ["temperature", "humidity", "pressure", "battery"];
    private static readonly string[] Units = ["Cel", "%RH", "Pa", "V"];

    /// <summary>Reading k's value of channel c; a reading every 7th has a sensor fault and only its battery value.</summary>
    public static double Value(int k, int c) => c switch { 0 => 15 + k * 0.1, 1 => 40 + k % 10, 2 => 100_000 + k, _ => 3.9 };
    public static bool Faulted(int k) => k % 7 == 3;

    private const string SqliteDdl = """
        CREATE TABLE devices (
            id TEXT PRIMARY KEY, cert_serial TEXT, tags TEXT NOT NULL DEFAULT '[]', board TEXT,
            firmware TEXT, slot TEXT, state TEXT, status_at INTEGER,
            registered_at INTEGER, revoked_at INTEGER, last_seen INTEGER, battery_mv INTEGER, last_reading_time INTEGER);
        CREATE TABLE readings (
            device_id TEXT NOT NULL, epoch INTEGER NOT NULL, seq INTEGER NOT NULL,
            ts INTEGER NOT NULL, device_ts INTEGER NOT NULL, time_source INTEGER NOT NULL, fault TEXT, received_at INTEGER NOT NULL,
            PRIMARY KEY (device_id, epoch, seq)) WITHOUT ROWID;
        CREATE INDEX readings_by_time ON readings (device_id, ts);
        CREATE TABLE reading_values (
            device_id TEXT NOT NULL, epoch INTEGER NOT NULL, seq INTEGER NOT NULL,
            channel TEXT NOT NULL, unit TEXT NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL);
        CREATE INDEX reading_values_by_time ON reading_values (device_id, channel, ts);
        CREATE INDEX reading_values_by_key ON reading_values (device_id, epoch, seq);
        CREATE TABLE quarantine (
            id INTEGER PRIMARY KEY AUTOINCREMENT, received_at INTEGER NOT NULL, topic TEXT NOT NULL,
            reason TEXT NOT NULL, message TEXT NOT NULL, payload BLOB NOT NULL);
        CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
        INSERT INTO counters (name, value) VALUES ('readings_stored', 0), ('duplicates_ignored', 0);
        CREATE TABLE commands (id TEXT PRIMARY KEY, device_id TEXT NOT NULL, sent_at INTEGER NOT NULL, acked_at INTEGER, ok INTEGER);
        CREATE TABLE ota_results (
            campaign TEXT NOT NULL, device_id TEXT NOT NULL, finished_at INTEGER NOT NULL, succeeded INTEGER NOT NULL,
            PRIMARY KEY (campaign, device_id));
        PRAGMA user_version = 1;
        """;

    private const string PostgresDdl = """
        CREATE TABLE schema_version (version integer NOT NULL);
        INSERT INTO schema_version (version) VALUES (1);
        CREATE TABLE devices (
            id text PRIMARY KEY, cert_serial text, tags text NOT NULL DEFAULT '[]', board text,
            firmware text, slot text, state text, status_at bigint,
            registered_at bigint, revoked_at bigint, last_seen bigint, battery_mv integer, last_reading_time bigint);
        CREATE TABLE readings (
            device_id text NOT NULL, epoch bigint NOT NULL, seq bigint NOT NULL,
            ts bigint NOT NULL, device_ts bigint NOT NULL, time_source smallint NOT NULL, fault text, received_at bigint NOT NULL,
            PRIMARY KEY (device_id, epoch, seq));
        CREATE INDEX readings_by_time ON readings (device_id, ts);
        CREATE TABLE reading_values (
            device_id text NOT NULL, epoch bigint NOT NULL, seq bigint NOT NULL,
            channel text NOT NULL, unit text NOT NULL, ts bigint NOT NULL, value double precision NOT NULL);
        CREATE INDEX reading_values_by_time ON reading_values (device_id, channel, ts);
        CREATE INDEX reading_values_by_key ON reading_values (device_id, epoch, seq);
        CREATE TABLE quarantine (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, received_at bigint NOT NULL, topic text NOT NULL,
            reason text NOT NULL, message text NOT NULL, payload bytea NOT NULL);
        CREATE TABLE counters (name text PRIMARY KEY, value bigint NOT NULL);
        INSERT INTO counters (name, value) VALUES ('readings_stored', 0), ('duplicates_ignored', 0);
        CREATE TABLE commands (id text PRIMARY KEY, device_id text NOT NULL, sent_at bigint NOT NULL, acked_at bigint, ok integer);
        CREATE TABLE ota_results (
            campaign text NOT NULL, device_id text NOT NULL, finished_at bigint NOT NULL, succeeded integer NOT NULL,
            PRIMARY KEY (campaign, device_id));
        """;

    public static async Task WriteSqliteAsync(string path)
    {
        await using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await db.OpenAsync();
        await FillAsync(db, SqliteDdl);
    }

    public static async Task WritePostgresAsync(string connectionString)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        await FillAsync(db, PostgresDdl);
    }

    private static async Task FillAsync(DbConnection db, string ddl)
    {
        await Exec(db, null, ddl);
        await using var tx = await db.BeginTransactionAsync();
        await Exec(db, tx, $"INSERT INTO devices (id, tags, last_seen, battery_mv, last_reading_time) VALUES ('{Device}', '[]', {FirstTime * 1000}, 3900, {FirstTime + 60 * (Readings - 1)})");
        for (int k = 0; k < Readings; k++)
        {
            long ts = FirstTime + 60 * k;
            string fault = Faulted(k) ? "'sensor-timeout'" : "NULL";
            await Exec(db, tx, "INSERT INTO readings (device_id, epoch, seq, ts, device_ts, time_source, fault, received_at) " +
                $"VALUES ('{Device}', 1, {k}, {ts}, {ts}, 0, {fault}, {ts * 1000 + 500})");
            for (int c = 0; c < Channels.Length; c++)
            {
                if (Faulted(k) && c < 3) continue;
                await Exec(db, tx, "INSERT INTO reading_values (device_id, epoch, seq, channel, unit, ts, value) " +
                    $"VALUES ('{Device}', 1, {k}, '{Channels[c]}', '{Units[c]}', {ts}, {Value(k, c).ToString(System.Globalization.CultureInfo.InvariantCulture)})");
            }
        }
        await Exec(db, tx, $"UPDATE counters SET value = {Readings} WHERE name = 'readings_stored'");
        await Exec(db, tx, "UPDATE counters SET value = 4 WHERE name = 'duplicates_ignored'");
        await tx.CommitAsync();
    }

    private static async Task Exec(DbConnection db, DbTransaction? tx, string sql)
    {
        await using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        await cmd.ExecuteNonQueryAsync();
    }
}
