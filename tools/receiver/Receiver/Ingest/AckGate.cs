namespace NodeFirmware.Receiver.Ingest;

/// <summary>
/// MQTTnet sends an acknowledgement on whatever connection the client has when it is called; a PUBACK for a
/// message of an earlier connection would carry a stale packet id into the new one and could acknowledge a
/// different, uncommitted message. Each connection gets a generation; acks of older generations are dropped
/// (the broker redelivers those messages), and a reconnect waits for an ack in progress.
/// </summary>
public sealed class AckGate
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private int _generation;

    public int Generation => Volatile.Read(ref _generation);

    public async Task<int> BeginConnectionAsync(CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            return Interlocked.Increment(ref _generation);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Runs <paramref name="ack"/> if the connection is still the one the message came on; false if dropped.</summary>
    public async Task<bool> AcknowledgeAsync(int generation, Func<CancellationToken, Task> ack, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            if (generation != Generation) return false;
            await ack(ct);
            return true;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Marks the current connection as gone so no more acks go out on it.</summary>
    public void ConnectionLost() => Interlocked.Increment(ref _generation);
}
