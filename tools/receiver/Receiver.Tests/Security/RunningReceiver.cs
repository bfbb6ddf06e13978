using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Security;

/// <summary>
/// One receiver process for the HTTP attack tests: `Receiver serve --store sqlite:PATH --http 127.0.0.1:0` with the fleet's
/// PKI store (--pki, --ca-passphrase-file), which a revocation needs, and nothing else. It makes its own first admin token.
/// </summary>
public sealed class RunningReceiver : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();

    public ReceiverProcess Process { get; private set; } = null!;
    public string DatabasePath => _dir.File("receiver.db");
    public string Admin => Process.AdminToken!;

    public const string CaPassphrase = "attack tests ca passphrase";

    public async Task InitializeAsync()
    {
        var pki = new NodeFirmware.HostCommon.Pki.PkiStore(_dir.File("pki"));
        pki.CreateCa("attack-tests", CaPassphrase, kdfIterations: 100_000).Dispose();
        await File.WriteAllTextAsync(_dir.File("ca-passphrase"), CaPassphrase);
        // The attacks share one process and one admin token: request limits well above what the tests send (the rate
        // limit itself is tested on a process of its own, RateLimitAttackTests).
        Process = await ReceiverProcess.StartAsync(["--store", "sqlite:" + DatabasePath, "--pki", _dir.File("pki"), "--ca-passphrase-file", _dir.File("ca-passphrase")],
            environment: new Dictionary<string, string>
        {
            ["Receiver__Limits__RequestsPerSecond"] = "1000", ["Receiver__Limits__RequestBurst"] = "2000",
            ["Receiver__Limits__AnonymousRequestsPerSecond"] = "1000", ["Receiver__Limits__AnonymousBurst"] = "2000",
        });
        Assert.False(string.IsNullOrEmpty(Process.AdminToken), "no admin token file was named on stdout:\n" + Process.Output);
    }

    public Task DisposeAsync()
    {
        Process.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
        return Task.CompletedTask;
    }
}
