namespace NodeFirmware.Receiver.Ingest;

/// <summary>
/// MQTTnet sends an acknowledgement on whatever connection the client has when it is called; a PUBACK for a
/// message of an earlier connection would carry a stale packet id into the new one and could acknowledge a
/// different, uncommitted message. Each connection gets a generation; acks of older generations are dropped
/// (the broker redelivers those messages). An ack is only started under the gate's lock — MQTTnet takes the
/// connection and queues the packet on it synchronously — so a reconnect cannot slip between the check and the send,
/// and acks started one after another go out in that order (MQTTnet's send lock is first come, first served), as
/// MQTT requires of PUBACKs, without waiting for each to be written before starting the next.
/// </summary>
public sealed class AckGate
{
    private readonly object _lock = new();
    private int _generation;

    public int Generation => Volatile.Read(ref _generation);

    public int BeginConnection()
    {
        lock (_lock) return Interlocked.Increment(ref _generation);
    }

    /// <summary>
    /// Starts <paramref name="ack"/> if the connection is still the one the message came on and returns the send
    /// (null if dropped); the send itself completes when the packet has been written.
    /// </summary>
    public Task? StartAcknowledge(int generation, Func<CancellationToken, Task> ack, CancellationToken ct)
    {
        lock (_lock) return generation == Generation ? ack(ct) : null;
    }

    /// <summary>Marks the current connection as gone so no more acks go out on it.</summary>
    public void ConnectionLost()
    {
        lock (_lock) Interlocked.Increment(ref _generation);
    }
}
