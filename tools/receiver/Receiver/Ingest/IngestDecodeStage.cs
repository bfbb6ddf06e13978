using System.Threading.Channels;

namespace NodeFirmware.Receiver.Ingest;

/// <summary>A message as the MQTT client delivered it, not yet decoded.</summary>
public sealed record ReceivedMessage(string Topic, byte[] Payload, DateTimeOffset ReceivedAt, Func<CancellationToken, Task> Acknowledge,
    BrokerDelivery? Delivery = null);

/// <summary>The broker's flags on a delivered message: retained (sent on subscribing), DUP (sent to this session before), its packet id.</summary>
public sealed record BrokerDelivery(bool Retained, bool Redelivered, ushort PacketId);

/// <summary>
/// The decode stage of the ingest pipeline: decodes and validates messages (or turns them into quarantine entries)
/// on its own task, so the MQTT client keeps reading while the previous messages are decoded and the store stage
/// commits. Its queue is bounded: when it is full the MQTT client's message handler waits, and the broker's
/// in-flight window (the receiver's Receive Maximum) holds everything beyond that. Order is kept: acks follow it.
/// </summary>
public sealed class IngestDecodeStage(IngestClassifier classifier, IngestWriter writer, int capacity, TelemetryAckSender? acks = null)
{
    private readonly Channel<ReceivedMessage> _queue =
        Channel.CreateBounded<ReceivedMessage>(new BoundedChannelOptions(CheckedCapacity(capacity)) { SingleReader = true, SingleWriter = true });

    private static int CheckedCapacity(int capacity) => capacity is >= 1 and <= MqttIngestOptions.DecodeQueueCapacityLimit
        ? capacity
        : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, new MqttIngestOptions { DecodeQueueCapacity = capacity }.PipelineProblems()[0]);

    public ValueTask EnqueueAsync(ReceivedMessage message, CancellationToken ct) => _queue.Writer.WriteAsync(message, ct);

    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var m in _queue.Reader.ReadAllAsync(ct))
            {
                var addTo = classifier.Classify(m.Topic, m.Payload, m.ReceivedAt, out var ack, m.Delivery);
                // A message that is not kept still waits for its turn to be acknowledged, but without its bytes.
                var payload = ReferenceEquals(addTo, IngestClassifier.Nothing) ? [] : m.Payload;
                var acknowledge = m.Acknowledge;
                if (ack is not null && acks is not null)
                {
                    // After the commit: the device's acknowledgement goes out first, then the broker's PUBACK.
                    var sender = acks;
                    var toBroker = m.Acknowledge;
                    acknowledge = async c => { await sender.SendAsync(ack, c); await toBroker(c); };
                }
                await writer.EnqueueAsync(new PendingMessage(m.Topic, payload, m.ReceivedAt, addTo, acknowledge), ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: what is still queued was not acknowledged, so the broker delivers it again.
        }
    }
}
