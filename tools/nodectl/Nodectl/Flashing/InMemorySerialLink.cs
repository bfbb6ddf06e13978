namespace NodeFirmware.Nodectl.Flashing;

/// <summary>
/// The host end of an in-memory serial line for tests and benchmarks. What the host writes is handed to
/// the attached peer synchronously; the peer answers through <see cref="DeliverFromPeer"/>. Counts the
/// bytes on the wire in both directions so a benchmark can turn them into time at a baud rate.
/// </summary>
public sealed class InMemorySerialLink : ISerialLink
{
    private readonly object _gate = new();
    private readonly Queue<byte> _inbound = new();
    private Action<byte[]>? _toPeer;
    private Action<bool, bool>? _signalsToPeer;
    private Action<int>? _baudToPeer;
    private bool _disposed;

    public InMemorySerialLink(string name = "memory", int baudRate = RomProtocol.ESP_ROM_BAUD)
    {
        Name = name;
        BaudRate = baudRate;
    }

    public string Name { get; }

    public int BaudRate { get; private set; }

    public long BytesToPeer { get; private set; }

    public long BytesFromPeer { get; private set; }

    /// <summary>Connects the device side: its byte sink, control-line sink and baud-rate sink.</summary>
    public void Attach(Action<byte[]> onBytes, Action<bool, bool> onSignals, Action<int>? onBaudRate = null)
    {
        _toPeer = onBytes;
        _signalsToPeer = onSignals;
        _baudToPeer = onBaudRate;
        onBaudRate?.Invoke(BaudRate);
    }

    /// <summary>Bytes sent by the peer to the host.</summary>
    public void DeliverFromPeer(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            foreach (byte b in bytes)
            {
                _inbound.Enqueue(b);
            }

            BytesFromPeer += bytes.Length;
            Monitor.PulseAll(_gate);
        }
    }

    public void SetBaudRate(int baudRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(baudRate, 1);
        BaudRate = baudRate;
        _baudToPeer?.Invoke(baudRate);
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        BytesToPeer += bytes.Length;
        _toPeer?.Invoke(bytes.ToArray());
    }

    public int Read(Span<byte> buffer, TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var deadline = DateTime.UtcNow + timeout;
        lock (_gate)
        {
            while (_inbound.Count == 0)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left))
                {
                    if (_inbound.Count == 0)
                    {
                        return 0;
                    }
                }
            }

            int n = 0;
            while (n < buffer.Length && _inbound.Count > 0)
            {
                buffer[n++] = _inbound.Dequeue();
            }

            return n;
        }
    }

    public void SetSignals(bool dtr, bool rts) => _signalsToPeer?.Invoke(dtr, rts);

    public void DiscardInput()
    {
        lock (_gate)
        {
            _inbound.Clear();
        }
    }

    public void Dispose() => _disposed = true;
}
