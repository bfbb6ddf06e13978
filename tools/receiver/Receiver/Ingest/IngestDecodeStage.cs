using System.Threading.Channels;

namespace NodeFirmware.Receiver.Ingest;

/// <summary>A message as the MQTT client delivered it, not yet decoded.</summary>
public sealed record ReceivedMessage(string Topic, byte[] Payload, DateTimeOffset ReceivedAt, Func<CancellationToken, Task> Acknowledge);

/// <summary>
/// The decode stage of the ingest pipeline: decodes and validates messages (or turns them into quarantine entries)
/// on its own task, so the MQTT client keeps reading while the previous messages are decoded and the store stage
/// commits. Its queue is bounded: when it is full the MQTT client's message handler waits, and the broker's
/// in-flight window (the receiver's Receive Maximum) holds everything beyond that. Order is kept: acks follow it.
/// </summary>
public sealed class IngestDecodeStage(IngestClassifier classifier, IngestWriter writer, int capacity)
{
    private readonly Channel<ReceivedMessage> _queue =
        Channel.CreateBounded<ReceivedMessage>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });

    public ValueTask EnqueueAsync(ReceivedMessage message, CancellationToken ct) => _queue.Writer.WriteAsync(message, ct);

    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var m in _queue.Reader.ReadAllAsync(ct))
            {
                var addTo = classifier.Classify(m.Topic, m.Payload, m.ReceivedAt);
                // A message that is not kept still waits for its turn to be acknowledged, but without its bytes.
                var payload = ReferenceEquals(addTo, IngestClassifier.Nothing) ? [] : m.Payload;
                await writer.EnqueueAsync(new PendingMessage(m.Topic, payload, m.ReceivedAt, addTo, m.Acknowledge), ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: what is still queued was not acknowledged, so the broker delivers it again.
        }
    }
}
