using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Ingest;

/// <summary>
/// A received message waiting for its commit: what it adds to the write batch, and how to acknowledge it after.
/// <see cref="Acknowledge"/> completes once the acknowledgement is queued on the connection (in the order of the
/// calls), not when it has been written: the ack stage queues a whole commit's acks without a wait per message.
/// </summary>
public sealed record PendingMessage(string Topic, byte[] Payload, DateTimeOffset ReceivedAt, Action<WriteBatch> AddTo, Func<CancellationToken, Task> Acknowledge);
