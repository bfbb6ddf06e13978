using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Bench.Ingest;

/// <summary>
/// The receiver's store, timed: when a write returns (its transaction committed), every message in it is done.
/// Counts the readings inserted, so the run knows when everything is stored without querying the database.
/// </summary>
internal sealed class CommitClock(ITelemetryStore inner, IReadOnlyList<BenchMessage> messages, Latencies latencies) : DelegatingTelemetryStore(inner)
{
    private readonly Dictionary<(string, long), int> _index = messages.ToDictionary(m => (m.Device, m.FirstSequence), m => m.Index);
    private long _inserted;

    public long Inserted => Interlocked.Read(ref _inserted);

    public override async Task<WriteResult> WriteAsync(WriteBatch batch, CancellationToken ct = default)
    {
        var result = await Inner.WriteAsync(batch, ct);
        foreach (var t in batch.Telemetry)
            if (t.Records.Count > 0 && _index.TryGetValue((t.DeviceId, t.Records[0].Key.Sequence), out int i)) latencies.Done(i);
        Interlocked.Add(ref _inserted, result.Inserted);
        return result;
    }
}
