using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Storage;

[Collection(PostgresCollection.Name)]
public sealed class PostgresControlStoreTests(PostgresFixture postgres) : ControlStoreContract
{
    protected override async Task<string> NewStoreSpecAsync() => "postgres:" + await postgres.NewDatabaseAsync();
}
