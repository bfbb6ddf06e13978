namespace NodeSim.RomBootloader;

/// <summary>
/// What crossed the simulated chip's UART: bytes each way and request packets by command, counted where the chip
/// sees them, so any host (nodectl, esptool-js over the TCP bridge) is measured the same way.
/// </summary>
public sealed class RomTrafficCounters
{
    private readonly object _gate = new();
    private readonly long[] _requestsByCommand = new long[256];

    /// <summary>Serial bytes from the host, SLIP framing and anything outside frames included.</summary>
    public long BytesFromHost { get; private set; }

    /// <summary>Serial bytes the chip sent: responses and boot messages.</summary>
    public long BytesToHost { get; private set; }

    /// <summary>Request packets the chip decoded; each is one command/response round trip for the host.</summary>
    public long Requests { get; private set; }

    public long RequestsFor(byte command)
    {
        lock (_gate)
        {
            return _requestsByCommand[command];
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            BytesFromHost = 0;
            BytesToHost = 0;
            Requests = 0;
            Array.Clear(_requestsByCommand);
        }
    }

    internal void CountFromHost(int bytes)
    {
        lock (_gate)
        {
            BytesFromHost += bytes;
        }
    }

    internal void CountToHost(int bytes)
    {
        lock (_gate)
        {
            BytesToHost += bytes;
        }
    }

    internal void CountRequest(byte command)
    {
        lock (_gate)
        {
            Requests++;
            _requestsByCommand[command]++;
        }
    }
}
