using System.Net.Sockets;
using System.Threading.Channels;
using NodeSim.RomBootloader.Uart;

namespace NodeSim.RomBootloader.Rfc2217;

/// <summary>
/// One RFC 2217 client on the simulated chip's UART: reads the telnet stream (serial data to the chip, option
/// negotiation, COM-PORT-OPTION commands) and sends the chip's bytes and the server's answers back in order
/// through one outbound queue, so the chip never waits for the socket. Paced, the serial bytes cross a
/// <see cref="PacedSerialLine"/> each way at the client's baud rate, while telnet answers go at once, as on a
/// networked serial server in front of a real UART.
/// </summary>
internal sealed class Rfc2217Connection : IComPortTarget
{
    private readonly NetworkStream _stream;
    private readonly ISerialChip _sim;
    private readonly Action<string> _log;
    private readonly Channel<byte[]> _outbound = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TelnetDecoder _decoder = new();
    private readonly TelnetOptionTable _options = new();
    private readonly ComPortSession _comPort;
    private readonly object _holdGate = new();
    private readonly List<byte[]> _held = new();
    private readonly UartActivity _activity;
    private readonly PacedSerialLine? _toChip;
    private readonly PacedSerialLine? _fromChip;
    private bool _suspended;

    public Rfc2217Connection(NetworkStream stream, ISerialChip sim, ControlLinePolicy policy, bool paced, UartActivity activity, Action<string> log)
    {
        _stream = stream;
        _sim = sim;
        _log = log;
        _activity = activity;
        Lines = new ControlLineRelay(sim.SetSignals, policy);
        _comPort = new ComPortSession(this, log);
        if (paced)
        {
            _toChip = new PacedSerialLine("rfc2217 line to the chip", () => BaudRate, DeliverToChip);
            _fromChip = new PacedSerialLine("rfc2217 line from the chip", () => BaudRate, DeliverToClient);
        }
    }

    public ControlLineRelay Lines { get; }

    public int BaudRate { get; private set; } = RomWire.ESP_ROM_BAUD;

    public void SetBaudRate(int baudRate)
    {
        if (baudRate != BaudRate)
        {
            _log($"host baud rate {baudRate}");
        }

        BaudRate = baudRate;
        _sim.SetHostBaudRate(baudRate);
    }

    public void SuspendOutput(bool suspend)
    {
        List<byte[]> release;
        lock (_holdGate)
        {
            _suspended = suspend;
            if (suspend)
            {
                return;
            }

            release = _held.ToList();
            _held.Clear();
        }

        foreach (var bytes in release)
        {
            _outbound.Writer.TryWrite(bytes);
        }
    }

    public void PurgeHeldOutput()
    {
        lock (_holdGate)
        {
            _held.Clear();
        }
    }

    /// <summary>Bytes the chip sent on its TX line.</summary>
    public void SendSerial(byte[] bytes)
    {
        if (_fromChip is not null)
        {
            _fromChip.Send(bytes);
        }
        else
        {
            long now = LineClock.Now;
            DeliverToClient(new LineDelivery(bytes, now, now));
        }
    }

    private void DeliverToClient(LineDelivery delivery)
    {
        _activity.Sent(delivery);
        var escaped = Telnet.EscapeData(delivery.Bytes);
        lock (_holdGate)
        {
            if (_suspended)
            {
                _held.Add(escaped);
                return;
            }

            _outbound.Writer.TryWrite(escaped);
        }
    }

    /// <summary>Serves the client until it disconnects or <paramref name="stop"/> fires; then releases DTR and RTS.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        _sim.SetHostBaudRate(BaudRate);
        foreach (var offer in _options.Offer())
        {
            _outbound.Writer.TryWrite(offer);
        }

        var writer = Task.Run(() => WriteLoopAsync(stop), CancellationToken.None);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                int n = await _stream.ReadAsync(buffer, stop);
                if (n == 0)
                {
                    break;
                }

                foreach (var e in _decoder.Push(buffer.AsSpan(0, n)))
                {
                    Dispatch(e);
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // the client went away or the server is stopping
        }
        finally
        {
            _toChip?.Dispose();
            _fromChip?.Dispose();
            _outbound.Writer.TryComplete();
            Lines.Release();
            await writer;
        }
    }

    private void Dispatch(TelnetEvent e)
    {
        switch (e.Kind)
        {
            case TelnetEventKind.Data when _toChip is not null:
                _toChip.Send(e.Bytes);
                break;
            case TelnetEventKind.Data:
                long now = LineClock.Now;
                DeliverToChip(new LineDelivery(e.Bytes, now, now));
                break;
            case TelnetEventKind.Negotiation:
                if (_options.Receive(e.Verb, e.Option) is { } reply)
                {
                    _outbound.Writer.TryWrite(reply);
                }

                break;
            case TelnetEventKind.Subnegotiation when e.Bytes.Length > 0 && e.Bytes[0] == Telnet.COM_PORT_OPTION:
                if (!_options.ClientUsesComPortOption)
                {
                    _log("ignored a COM-PORT-OPTION command: the client has not negotiated WILL COM-PORT-OPTION");
                    break;
                }

                if (_comPort.Handle(e.Bytes.AsSpan(1)) is { } answer)
                {
                    _outbound.Writer.TryWrite(answer);
                }

                break;
        }
    }

    private void DeliverToChip(LineDelivery delivery)
    {
        _activity.Received(delivery, _sim.Boots);
        _sim.Receive(delivery.Bytes);
    }

    private async Task WriteLoopAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var bytes in _outbound.Reader.ReadAllAsync(stop))
            {
                await _stream.WriteAsync(bytes, stop);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // the client went away; the chip keeps talking to nobody, like a real UART
        }
    }
}
