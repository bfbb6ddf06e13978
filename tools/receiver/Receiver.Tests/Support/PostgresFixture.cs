using NodeFirmware.Receiver.Storage.Postgres;

namespace NodeFirmware.Receiver.Tests.Support;

/// <summary>One throwaway PostgreSQL cluster for all tests that need one; each test makes its own database.</summary>
public sealed class PostgresFixture : IDisposable
{
    private readonly Lazy<PostgresCluster> _cluster = new(() => PostgresCluster.Start());
    private int _next;

    public PostgresCluster Cluster => _cluster.Value;

    public Task<string> NewDatabaseAsync() => Cluster.CreateDatabaseAsync($"t{Environment.ProcessId}_{Interlocked.Increment(ref _next)}");

    public void Dispose()
    {
        if (_cluster.IsValueCreated) _cluster.Value.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
