using Microsoft.Extensions.Options;
using NodeFirmware.Receiver.Metrics;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Quarantine;

/// <summary>Deletes quarantine entries past the age limit, then the oldest beyond the entry and byte limits; counts them in /metrics.</summary>
public sealed class QuarantineRetention(ITelemetryStore store, IOptions<QuarantineOptions> options, ReceiverMetrics metrics, TimeProvider clock,
    ILogger<QuarantineRetention> log) : BackgroundService
{
    public async Task RunOnceAsync(CancellationToken ct)
    {
        var o = options.Value;
        var pruned = await store.PruneQuarantineAsync(clock.GetUtcNow() - o.MaxAge, o.MaxEntries, o.MaxBytes, ct);
        metrics.QuarantineDropped("age", pruned.ByAge);
        metrics.QuarantineDropped("size", pruned.BySize);
        if (pruned.ByAge + pruned.BySize > 0)
            log.LogInformation("quarantine retention removed {Age} entries by age and {Size} by size", pruned.ByAge, pruned.BySize);
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.RetentionInterval, clock, stop);
                await RunOnceAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { break; }
            catch (Exception e) { log.LogWarning("quarantine retention failed: {Message}", e.Message); }
        }
    }
}
