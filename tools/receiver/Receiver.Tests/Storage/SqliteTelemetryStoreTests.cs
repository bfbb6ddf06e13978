using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Storage.Sqlite;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Storage;

public sealed class SqliteTelemetryStoreTests : TelemetryStoreContract, IDisposable
{
    private readonly TempDirectory _dir = new();

    protected override Task<ITelemetryStore> OpenStoreAsync(bool reuse) =>
        Task.FromResult<ITelemetryStore>(new SqliteTelemetryStore(_dir.File("receiver.db")));

    protected override async Task<ITelemetryStore> OpenSchemaOneStoreAsync()
    {
        string path = _dir.File("schema1.db");
        await SchemaOneDatabase.WriteSqliteAsync(path);
        return new SqliteTelemetryStore(path);
    }

    protected override async Task<System.Data.Common.DbConnection> OpenDatabaseAsync()
    {
        var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_dir.File("receiver.db")};Pooling=False");
        await db.OpenAsync();
        return db;
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task The_database_is_in_WAL_mode()
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_dir.File("receiver.db")}");
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public void A_bad_synchronous_mode_is_refused() =>
        Assert.Throws<ArgumentException>(() => new SqliteTelemetryStore(_dir.File("x.db"), "OFF"));
}
