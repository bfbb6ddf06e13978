using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Storage.Postgres;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Storage;

[Collection(PostgresCollection.Name)]
public sealed class PostgresTelemetryStoreTests(PostgresFixture postgres) : TelemetryStoreContract
{
    private string? _connectionString;

    protected override async Task<ITelemetryStore> OpenStoreAsync(bool reuse)
    {
        if (!reuse || _connectionString is null) _connectionString = await postgres.NewDatabaseAsync();
        return new PostgresTelemetryStore(_connectionString);
    }

    protected override async Task<ITelemetryStore> OpenSchemaOneStoreAsync()
    {
        string connection = await postgres.NewDatabaseAsync();
        await SchemaOneDatabase.WritePostgresAsync(connection);
        return new PostgresTelemetryStore(connection);
    }

    protected override async Task<System.Data.Common.DbConnection> OpenDatabaseAsync()
    {
        var db = new Npgsql.NpgsqlConnection(_connectionString);
        await db.OpenAsync();
        return db;
    }

    [Fact]
    public async Task Two_receivers_writing_the_same_readings_at_once_store_each_once()
    {
        await using var second = new PostgresTelemetryStore(_connectionString!);
        long t = T0.ToUnixTimeSeconds();
        var writes = Enumerable.Range(0, 8).Select(i =>
        {
            var store = i % 2 == 0 ? Store : second;
            return store.WriteAsync(Records.Batch(Records.Message("esp32-a1b2c3d4e5f6", 1, i * 5, 20, t, T0)));
        }).ToList();
        var results = await Task.WhenAll(writes);
        Assert.Equal(55, results.Sum(r => r.Inserted)); // sequences 0..54
        Assert.Equal(8 * 20 - 55, results.Sum(r => r.Duplicates));
        Assert.Equal(55, await Store.CountReadingsAsync());
    }
}
