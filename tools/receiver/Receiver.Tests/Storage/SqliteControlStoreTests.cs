using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Storage;

public sealed class SqliteControlStoreTests : ControlStoreContract, IDisposable
{
    private readonly TempDirectory _dir = new();

    protected override Task<string> NewStoreSpecAsync() => Task.FromResult("sqlite:" + _dir.File("receiver.db"));

    public void Dispose() => _dir.Dispose();
}
