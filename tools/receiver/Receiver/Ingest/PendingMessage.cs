using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Ingest;

/// <summary>A received message waiting for its commit: what it adds to the write batch, and how to acknowledge it after.</summary>
public sealed record PendingMessage(string Topic, byte[] Payload, DateTimeOffset ReceivedAt, Action<WriteBatch> AddTo, Func<CancellationToken, Task> Acknowledge);
