namespace NodeFirmware.Receiver.Storage.Postgres;

/// <summary>The PostgreSQL schema, versioned in schema_version. Same tables and columns as the SQLite schema.</summary>
internal static class PostgresSchema
{
    public const string VersionTable = "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)";

    // Any constant shared by all receivers: they take this advisory lock so only one migrates at a time.
    public const long MigrationLockKey = 0x4E46_5245_4356;

    /// <summary>The columns of schema 2's readings table, also those of the per-connection staging table COPY fills.</summary>
    public static readonly string ReadingColumns =
        "device_id text NOT NULL, ts bigint NOT NULL, epoch bigint NOT NULL, seq bigint NOT NULL, " +
        "device_ts bigint NOT NULL, time_source smallint NOT NULL, fault text, received_at bigint NOT NULL, layout integer NOT NULL, " +
        string.Join(", ", Enumerable.Range(0, ReadingLayouts.MaxWidth).Select(i => $"v{i} double precision"));

    /// <summary>Schema 2: one row per reading, keyed by the idempotency key, indexed by (device, time) for the range queries.</summary>
    public static readonly TimeSeriesMigration TimeSeries = new(
        "CREATE TABLE reading_layouts (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, channels text NOT NULL UNIQUE);\n" +
        $"CREATE TABLE {TimeSeriesMigration.NewTable} (\n" +
        "    " + ReadingColumns + ",\n" +
        "    CONSTRAINT readings_key PRIMARY KEY (device_id, epoch, seq));\n" +
        $"CREATE INDEX readings_by_device_time ON {TimeSeriesMigration.NewTable} (device_id, ts);",
        $"DROP TABLE reading_values; DROP TABLE readings; ALTER TABLE {TimeSeriesMigration.NewTable} RENAME TO readings;");

    public const int Version = 3;

    /// <summary>The schema versions in order; 2 is <see cref="TimeSeries"/>, which copies data and so is code (null here).</summary>
    public static readonly string?[] Migrations =
    {
        // 1: the initial schema.
        """
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
        """,
        // 2: TimeSeries.
        null,
        // 3: one packed row per run of readings (PackedReadings) beside the rows of schema 2, which stay readable.
        """
        CREATE TABLE reading_batches (
            device_id text NOT NULL, epoch bigint NOT NULL, first_seq bigint NOT NULL, count bigint NOT NULL,
            ts_min bigint NOT NULL, ts_max bigint NOT NULL, received_at bigint NOT NULL, layout integer NOT NULL, data bytea NOT NULL,
            CONSTRAINT reading_batches_key PRIMARY KEY (device_id, epoch, first_seq));
        CREATE INDEX reading_batches_by_time ON reading_batches (device_id, ts_max, ts_min);
        """,
    };
}
