using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Hosting;

/// <summary>Migrates the store's schema on start, before the ingest (hosted services start in registration order).</summary>
public sealed class StoreMigration(ITelemetryStore store) : IHostedService
{
    public Task StartAsync(CancellationToken ct) => store.MigrateAsync(ct);
    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
