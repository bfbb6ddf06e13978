using System.Threading.Channels;
using NodeFirmware.Receiver.Metrics;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Ingest;

/// <summary>
/// Commits received messages in batches — whatever has queued up while the previous commit ran, up to a limit —
/// and acknowledges each message only after the transaction that holds it has committed. A failing store is
/// retried with back-off (the messages stay unacknowledged, so the broker keeps them); a message the store keeps
/// refusing on its own is quarantined as store-error so it cannot block the ones behind it.
/// </summary>
public sealed class IngestWriter
{
    public const int DefaultMaxMessagesPerCommit = 256;
    private const int AttemptsBeforeSplitting = 3;

    private readonly Channel<PendingMessage> _queue = Channel.CreateUnbounded<PendingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ITelemetryStore _store;
    private readonly ReceiverMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;
    private readonly int _maxMessages;
    private readonly TimeSpan _retryInitial;

    public IngestWriter(ITelemetryStore store, ReceiverMetrics metrics, TimeProvider clock, ILogger<IngestWriter> log,
        int maxMessagesPerCommit = DefaultMaxMessagesPerCommit, TimeSpan? retryInitial = null)
    {
        _store = store;
        _metrics = metrics;
        _clock = clock;
        _log = log;
        _maxMessages = maxMessagesPerCommit;
        _retryInitial = retryInitial ?? TimeSpan.FromMilliseconds(200);
    }

    public void Enqueue(PendingMessage message)
    {
        _metrics.PendingChanged(+1);
        if (!_queue.Writer.TryWrite(message)) throw new InvalidOperationException("the ingest writer has stopped");
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var buffer = new List<PendingMessage>(_maxMessages);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                buffer.Add(await _queue.Reader.ReadAsync(ct));
            }
            catch (OperationCanceledException)
            {
                return;
            }
            while (buffer.Count < _maxMessages && _queue.Reader.TryRead(out var more)) buffer.Add(more);
            try
            {
                await CommitAsync(buffer, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return; // not acknowledged: the broker redelivers them to whoever connects next
            }
            foreach (var message in buffer)
            {
                try
                {
                    await message.Acknowledge(ct);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // The connection went away between commit and ack: the broker redelivers, the store ignores the duplicate.
                    _log.LogDebug(e, "acknowledging a message on {Topic} failed", message.Topic);
                }
            }
            _metrics.PendingChanged(-buffer.Count);
            buffer.Clear();
        }
    }

    private async Task CommitAsync(List<PendingMessage> messages, CancellationToken ct)
    {
        var backoff = new Backoff(_retryInitial, TimeSpan.FromSeconds(10));
        for (int attempt = 1; ; attempt++)
        {
            if (await TryWriteAsync(messages, ct)) return;
            if (attempt >= AttemptsBeforeSplitting)
            {
                if (messages.Count > 1)
                {
                    foreach (var single in messages) await CommitAsync([single], ct);
                    return;
                }
                if (await TryQuarantineAsync(messages[0], ct)) return;
            }
            await Task.Delay(backoff.Next(), _clock, ct);
        }
    }

    private async Task<bool> TryWriteAsync(IReadOnlyList<PendingMessage> messages, CancellationToken ct)
    {
        var batch = new WriteBatch();
        foreach (var m in messages) m.AddTo(batch);
        try
        {
            var result = await _store.WriteAsync(batch, ct);
            var oldest = messages.Min(m => m.ReceivedAt);
            _metrics.Committed(result.Inserted, result.Duplicates, _clock.GetUtcNow() - oldest);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            _metrics.StoreError();
            _log.LogWarning(e, "committing {Count} messages failed; they stay unacknowledged and are retried", messages.Count);
            return false;
        }
    }

    private async Task<bool> TryQuarantineAsync(PendingMessage message, CancellationToken ct)
    {
        var batch = new WriteBatch();
        var max = new Quarantine.QuarantineOptions().MaxPayloadBytes;
        batch.Quarantine.Add(new QuarantineEntry(0, message.ReceivedAt, message.Topic, "store-error",
            Quarantine.QuarantinePayload.Describe("the store refused this message repeatedly", message.Payload.Length, max),
            Quarantine.QuarantinePayload.Cap(message.Payload, max)));
        try
        {
            await _store.WriteAsync(batch, ct);
            _metrics.Quarantined("store-error");
            _log.LogError("a message on {Topic} was refused by the store {Attempts} times and is quarantined as store-error", message.Topic, AttemptsBeforeSplitting);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            _metrics.StoreError();
            return false; // the store is down altogether: keep retrying
        }
    }
}
