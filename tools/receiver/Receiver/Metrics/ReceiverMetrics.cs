using System.Collections.Concurrent;

namespace NodeFirmware.Receiver.Metrics;

/// <summary>The receiver's in-process counters and gauges (they restart at zero with the process, as Prometheus expects).</summary>
public sealed class ReceiverMetrics
{
    private readonly ConcurrentDictionary<string, long> _received = new();
    private readonly ConcurrentDictionary<string, long> _quarantined = new();
    private long _readingsStored;
    private long _duplicates;
    private long _storeErrors;
    private long _pending;
    private long _ingestLagMs;
    private int _brokerConnected;
    private readonly ConcurrentDictionary<int, long> _httpRefused = new();
    private readonly ConcurrentDictionary<string, long> _quarantineDropped = new();
    private long _quarantineBytesCut;
    private long _telemetryAcksSent, _telemetryAcksFailed;

    public void MessageReceived(string kind) => _received.AddOrUpdate(kind, 1, (_, n) => n + 1);
    public void Quarantined(string reason) => _quarantined.AddOrUpdate(reason, 1, (_, n) => n + 1);
    public void Committed(int inserted, int duplicates, TimeSpan lag)
    {
        Interlocked.Add(ref _readingsStored, inserted);
        Interlocked.Add(ref _duplicates, duplicates);
        Interlocked.Exchange(ref _ingestLagMs, (long)lag.TotalMilliseconds);
    }
    public void StoreError() => Interlocked.Increment(ref _storeErrors);
    public void PendingChanged(int delta) => Interlocked.Add(ref _pending, delta);
    public void BrokerConnected(bool connected) => Interlocked.Exchange(ref _brokerConnected, connected ? 1 : 0);

    public void HttpRefused(int status) => _httpRefused.AddOrUpdate(status, 1, (_, n) => n + 1);
    /// <summary>Quarantine entries not kept: cause "rate" (over the per-device or global rate), "age" or "size" (retention).</summary>
    public void QuarantineDropped(string cause, long count = 1)
    {
        if (count > 0) _quarantineDropped.AddOrUpdate(cause, count, (_, n) => n + count);
    }
    public void QuarantinePayloadCut(long bytes) => Interlocked.Add(ref _quarantineBytesCut, bytes);
    /// <summary>A device's acknowledgement of a committed batch: accepted by the broker, or not sent / refused.</summary>
    public void TelemetryAck(bool sent)
    {
        if (sent) Interlocked.Increment(ref _telemetryAcksSent);
        else Interlocked.Increment(ref _telemetryAcksFailed);
    }

    public IReadOnlyDictionary<int, long> HttpRefusedByStatus => new Dictionary<int, long>(_httpRefused);
    public IReadOnlyDictionary<string, long> QuarantineDroppedByCause => new Dictionary<string, long>(_quarantineDropped);
    public long QuarantinePayloadBytesCut => Interlocked.Read(ref _quarantineBytesCut);
    public IReadOnlyDictionary<string, long> ReceivedByKind => new Dictionary<string, long>(_received);
    public IReadOnlyDictionary<string, long> QuarantinedByReason => new Dictionary<string, long>(_quarantined);
    public long TelemetryAcksSent => Interlocked.Read(ref _telemetryAcksSent);
    public long TelemetryAcksFailed => Interlocked.Read(ref _telemetryAcksFailed);
    public long ReadingsStored => Interlocked.Read(ref _readingsStored);
    public long Duplicates => Interlocked.Read(ref _duplicates);
    public long StoreErrors => Interlocked.Read(ref _storeErrors);
    public long Pending => Interlocked.Read(ref _pending);
    public double IngestLagSeconds => Interlocked.Read(ref _ingestLagMs) / 1000.0;
    public bool IsBrokerConnected => Volatile.Read(ref _brokerConnected) == 1;
}
