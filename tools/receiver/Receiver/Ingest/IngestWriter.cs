using System.Threading.Channels;
using NodeFirmware.Receiver.Metrics;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Ingest;

/// <summary>
/// The store stage of the ingest pipeline. Commits received messages in batches — whatever has queued up while the
/// previous commit ran, up to a limit — and hands each committed batch to its ack stage, which acknowledges the
/// messages in order while the next commit runs: a message is acknowledged only after the transaction that holds it
/// has committed. Both queues are bounded; a full queue makes the stage before it wait (back-pressure up to the
/// broker, whose in-flight window then holds further messages). A failing store is retried with back-off (the
/// messages stay unacknowledged, so the broker keeps them); a message the store keeps refusing on its own is
/// quarantined as store-error so it cannot block the ones behind it.
/// </summary>
public sealed class IngestWriter
{
    public const int DefaultMaxMessagesPerCommit = 1024;
    private const int AttemptsBeforeSplitting = 3;
    /// <summary>Committed batches waiting for their acks: the ack stage may lag this far behind the commits.</summary>
    private const int CommittedBatchesAhead = 4;

    private readonly Channel<PendingMessage> _queue;
    private readonly Channel<List<PendingMessage>> _committed =
        Channel.CreateBounded<List<PendingMessage>>(new BoundedChannelOptions(CommittedBatchesAhead) { SingleReader = true, SingleWriter = true });
    private readonly ITelemetryStore _store;
    private readonly ReceiverMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;
    private readonly int _maxMessages;
    private readonly TimeSpan _retryInitial;

    public IngestWriter(ITelemetryStore store, ReceiverMetrics metrics, TimeProvider clock, ILogger<IngestWriter> log,
        int maxMessagesPerCommit = DefaultMaxMessagesPerCommit, TimeSpan? retryInitial = null)
    {
        if (maxMessagesPerCommit is < 1 or > MqttIngestOptions.MaxMessagesPerCommitLimit)
            throw new ArgumentOutOfRangeException(nameof(maxMessagesPerCommit), maxMessagesPerCommit,
                new MqttIngestOptions { MaxMessagesPerCommit = maxMessagesPerCommit }.PipelineProblems()[0]);
        _store = store;
        _metrics = metrics;
        _clock = clock;
        _log = log;
        _maxMessages = maxMessagesPerCommit;
        _retryInitial = retryInitial ?? TimeSpan.FromMilliseconds(200);
        // Two commits' worth: the next batch fills while one commits.
        _queue = Channel.CreateBounded<PendingMessage>(new BoundedChannelOptions(2 * maxMessagesPerCommit) { SingleReader = true });
    }

    /// <summary>Queues a message without waiting; throws when the queue is full (callers that can wait use <see cref="EnqueueAsync"/>).</summary>
    public void Enqueue(PendingMessage message)
    {
        if (!_queue.Writer.TryWrite(message)) throw new InvalidOperationException("the ingest writer's queue is full or it has stopped");
        _metrics.PendingChanged(+1);
    }

    /// <summary>Queues a message, waiting while the queue is full.</summary>
    public async ValueTask EnqueueAsync(PendingMessage message, CancellationToken ct)
    {
        await _queue.Writer.WriteAsync(message, ct);
        _metrics.PendingChanged(+1);
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var acks = Task.Run(() => AcknowledgeAsync(ct), CancellationToken.None);
        try
        {
            await CommitLoopAsync(ct);
        }
        finally
        {
            _committed.Writer.TryComplete();
            await acks;
        }
    }

    private async Task CommitLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var buffer = new List<PendingMessage>(_maxMessages);
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
            try
            {
                await _committed.Writer.WriteAsync(buffer, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return; // committed but not acknowledged: the redelivery is counted as duplicates
            }
        }
    }

    /// <summary>The ack stage: each committed batch's messages, in the order they were received.</summary>
    private async Task AcknowledgeAsync(CancellationToken ct)
    {
        await foreach (var batch in _committed.Reader.ReadAllAsync(CancellationToken.None))
        {
            foreach (var message in batch)
            {
                if (ct.IsCancellationRequested) break;
                try
                {
                    await message.Acknowledge(ct);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // The connection went away between commit and ack: the broker redelivers, the store ignores the duplicate.
                    _log.LogDebug(e, "acknowledging a message on {Topic} failed", message.Topic);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            _metrics.PendingChanged(-batch.Count);
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
