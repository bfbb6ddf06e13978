namespace NodeFirmware.Receiver.Storage.Sqlite;

/// <summary>The SQLite schema, versioned with PRAGMA user_version. Times: see <see cref="UnixTime"/>.</summary>
internal static class SqliteSchema
{
    /// <summary>Schema 2: one row per reading, clustered by (device, time) for the range queries, unique on the idempotency key.</summary>
    public static readonly TimeSeriesMigration TimeSeries = new(
        "CREATE TABLE reading_layouts (id INTEGER PRIMARY KEY, channels TEXT NOT NULL UNIQUE);\n" +
        $"CREATE TABLE {TimeSeriesMigration.NewTable} (\n" +
        "    device_id TEXT NOT NULL, ts INTEGER NOT NULL, epoch INTEGER NOT NULL, seq INTEGER NOT NULL,\n" +
        "    device_ts INTEGER NOT NULL, time_source INTEGER NOT NULL, fault TEXT, received_at INTEGER NOT NULL, layout INTEGER NOT NULL,\n" +
        "    " + string.Join(", ", Enumerable.Range(0, ReadingLayouts.MaxWidth).Select(i => $"v{i} REAL")) + ",\n" +
        "    PRIMARY KEY (device_id, ts, epoch, seq)) WITHOUT ROWID;\n" +
        $"CREATE UNIQUE INDEX readings_key ON {TimeSeriesMigration.NewTable} (device_id, epoch, seq);",
        $"DROP TABLE reading_values; DROP TABLE readings; ALTER TABLE {TimeSeriesMigration.NewTable} RENAME TO readings;");

    /// <summary>The schema versions in order; 2 is <see cref="TimeSeries"/>, which copies data and so is code, not only SQL (null here).</summary>
    public const int Version = 3;

    public static readonly string?[] Migrations =
    {
        // 1: the initial schema.
        """
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
        """,
        // 2: TimeSeries.
        null,
        // 3: one packed row per run of readings (PackedReadings) beside the rows of schema 2, which stay readable.
        """
        CREATE TABLE reading_batches (
            device_id TEXT NOT NULL, epoch INTEGER NOT NULL, first_seq INTEGER NOT NULL, count INTEGER NOT NULL,
            ts_min INTEGER NOT NULL, ts_max INTEGER NOT NULL, received_at INTEGER NOT NULL, layout INTEGER NOT NULL, data BLOB NOT NULL);
        CREATE UNIQUE INDEX reading_batches_key ON reading_batches (device_id, epoch, first_seq);
        CREATE INDEX reading_batches_by_time ON reading_batches (device_id, ts_max, ts_min);
        """,
    };
}
