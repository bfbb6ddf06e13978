using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace NodeFirmware.Receiver.Storage;

/// <summary>
/// Connections to the receiver's database named by the store spec (<c>sqlite:&lt;path&gt;</c> or
/// <c>postgres:&lt;connection string&gt;</c>), for the control-plane tables (tokens, audit trail, commands) that live
/// beside the telemetry. SQLite connections use WAL and synchronous=FULL, like the telemetry store.
/// </summary>
public abstract class DbSource : IAsyncDisposable
{
    public abstract bool IsPostgres { get; }

    public abstract Task<DbConnection> OpenAsync(CancellationToken ct);

    public abstract ValueTask DisposeAsync();

    public static DbSource Create(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int colon = spec.IndexOf(':');
        string kind = colon < 0 ? "" : spec[..colon].ToLowerInvariant();
        string rest = colon < 0 ? "" : spec[(colon + 1)..];
        return kind switch
        {
            "sqlite" when rest.Length > 0 => new SqliteSource(rest),
            "postgres" or "postgresql" when rest.Length > 0 => new PostgresSource(rest),
            _ => throw new ArgumentException($"store '{spec}' is not understood: use sqlite:<path> or postgres:<connection string>"),
        };
    }

    private sealed class SqliteSource : DbSource
    {
        private readonly string _path;
        private readonly string _connectionString;

        public SqliteSource(string path)
        {
            _path = Path.GetFullPath(path);
            _connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = _path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30,
            }.ToString();
        }

        public override bool IsPostgres => false;

        public override async Task<DbConnection> OpenAsync(CancellationToken ct)
        {
            var dir = Path.GetDirectoryName(_path);
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
            var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(ct);
            await using var cmd = connection.Command("PRAGMA synchronous = FULL; PRAGMA journal_mode = WAL;");
            await cmd.ExecuteNonQueryAsync(ct);
            return connection;
        }

        public override ValueTask DisposeAsync()
        {
            SqliteConnection.ClearAllPools();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class PostgresSource(string connectionString) : DbSource
    {
        private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

        public override bool IsPostgres => true;

        public override async Task<DbConnection> OpenAsync(CancellationToken ct) => await _dataSource.OpenConnectionAsync(ct);

        public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
    }
}
