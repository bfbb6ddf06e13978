using System.Buffers.Binary;
using System.Net.Sockets;

namespace NodeFirmware.Nodectl.Flashing;

/// <summary>
/// A serial port on an RFC 2217 server (<c>--port rfc2217://HOST:PORT</c>): a networked serial server, or
/// `nodesim rom --rfc2217`. Serial bytes travel as telnet data with 0xFF doubled; the baud rate and DTR/RTS are
/// COM-PORT-OPTION commands, each confirmed by the server before the call returns (as pyserial's rfc2217 client
/// does), so a reset sequence reaches the board in order and with its delays.
/// </summary>
public sealed class Rfc2217SerialLink : ISerialLink
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);

    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly TimeSpan _answerTimeout;
    private readonly object _gate = new();
    private readonly object _writeGate = new();
    private readonly Queue<byte> _inbound = new();
    private readonly List<(byte Command, byte[] Value)> _answers = new();
    private readonly HashSet<(byte Verb, byte Option)> _sent = new();
    private readonly Rfc2217Decoder _decoder;
    private readonly Thread _reader;
    private bool? _comPortAccepted;
    private bool _closed;
    private bool? _dtr;
    private bool? _rts;

    private Rfc2217SerialLink(string url, string host, int port, int baudRate, TimeSpan timeout)
    {
        Name = url;
        _answerTimeout = timeout;
        _client = new TcpClient { NoDelay = true };
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            _client.ConnectAsync(host, port, cts.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            _client.Dispose();
            throw new FlashingException($"cannot connect to the RFC 2217 server {url}: {e.Message}; check that it runs and the address is right", e);
        }

        _stream = _client.GetStream();
        _decoder = new Rfc2217Decoder(Deliver, OnNegotiation, OnSubnegotiation);
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = $"rfc2217 {url}" };
        _reader.Start();
    }

    public string Name { get; }

    public int BaudRate { get; private set; }

    /// <summary>Connects, agrees on the COM-PORT-OPTION and sets <paramref name="baudRate"/>, 8N1, no flow control.</summary>
    public static Rfc2217SerialLink Open(string url, int baudRate = RomProtocol.ESP_ROM_BAUD, TimeSpan? timeout = null)
    {
        var (host, port) = Rfc2217.ParseUrl(url) ?? throw new FlashingException($"'{url}' is not rfc2217://HOST:PORT");
        var link = new Rfc2217SerialLink(url, host, port, baudRate, timeout ?? DefaultTimeout);
        try
        {
            link.Negotiate();
            link.SetBaudRate(baudRate);
            link.ComPort(Rfc2217.SET_DATASIZE, new[] { Rfc2217.DATASIZE_8 }, "8 data bits");
            link.ComPort(Rfc2217.SET_PARITY, new[] { Rfc2217.PARITY_NONE }, "no parity");
            link.ComPort(Rfc2217.SET_STOPSIZE, new[] { Rfc2217.STOPSIZE_1 }, "1 stop bit");
            link.ComPort(Rfc2217.SET_CONTROL, new[] { Rfc2217.CONTROL_FLOW_NONE }, "no flow control");
            return link;
        }
        catch
        {
            link.Dispose();
            throw;
        }
    }

    public void SetBaudRate(int baudRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(baudRate, 1);
        var value = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(value, (uint)baudRate);
        ComPort(Rfc2217.SET_BAUDRATE, value, $"{baudRate} baud");
        BaudRate = baudRate;
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        var escaped = new List<byte>(bytes.Length + 8);
        foreach (byte b in bytes)
        {
            escaped.Add(b);
            if (b == Rfc2217.IAC)
            {
                escaped.Add(Rfc2217.IAC);
            }
        }

        Send(escaped.ToArray());
    }

    public int Read(Span<byte> buffer, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_gate)
        {
            while (_inbound.Count == 0)
            {
                if (_closed)
                {
                    throw new FlashingException($"the RFC 2217 server {Name} closed the connection");
                }

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

    /// <summary>
    /// RFC 2217 sets one line per command. DTR goes first, as pyserial and esptool set them, so the classic reset
    /// passes through DTR = RTS = 1 (nothing pulled); a line already in the wanted state is not sent again.
    /// </summary>
    public void SetSignals(bool dtr, bool rts)
    {
        if (_dtr != dtr)
        {
            ComPort(Rfc2217.SET_CONTROL, new[] { dtr ? Rfc2217.CONTROL_DTR_ON : Rfc2217.CONTROL_DTR_OFF }, $"DTR {(dtr ? "on" : "off")}");
            _dtr = dtr;
        }

        if (_rts != rts)
        {
            ComPort(Rfc2217.SET_CONTROL, new[] { rts ? Rfc2217.CONTROL_RTS_ON : Rfc2217.CONTROL_RTS_OFF }, $"RTS {(rts ? "on" : "off")}");
            _rts = rts;
        }
    }

    public void DiscardInput()
    {
        lock (_gate)
        {
            _inbound.Clear();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _closed = true;
            Monitor.PulseAll(_gate);
        }

        _client.Dispose();
        _reader.Join(TimeSpan.FromSeconds(2));
    }

    private void Negotiate()
    {
        foreach (byte option in new[] { Rfc2217.BINARY, Rfc2217.SGA, Rfc2217.COM_PORT_OPTION })
        {
            SendNegotiation(Rfc2217.WILL, option);
        }

        SendNegotiation(Rfc2217.DO, Rfc2217.BINARY);
        SendNegotiation(Rfc2217.DO, Rfc2217.SGA);
        lock (_gate)
        {
            var deadline = DateTime.UtcNow + _answerTimeout;
            while (_comPortAccepted is null && !_closed)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    break; // checked after the test above, so a negative wait can never reach Monitor.Wait
                }

                Monitor.Wait(_gate, left);
            }

            if (_comPortAccepted != true)
            {
                throw new FlashingException(_comPortAccepted is false
                    ? $"{Name} refused the telnet COM-PORT-OPTION: it is not an RFC 2217 server"
                    : $"{Name} did not accept the telnet COM-PORT-OPTION within {_answerTimeout.TotalSeconds:0} s: check that it is an RFC 2217 server and not busy with another client");
            }
        }
    }

    /// <summary>Sends one COM-PORT-OPTION command and waits for the server's answer to it.</summary>
    private byte[] ComPort(byte command, byte[] value, string what)
    {
        var frame = new List<byte> { Rfc2217.IAC, Rfc2217.SB, Rfc2217.COM_PORT_OPTION, command };
        foreach (byte b in value)
        {
            frame.Add(b);
            if (b == Rfc2217.IAC)
            {
                frame.Add(Rfc2217.IAC);
            }
        }

        frame.Add(Rfc2217.IAC);
        frame.Add(Rfc2217.SE);
        Send(frame.ToArray());
        byte answer = (byte)(command + Rfc2217.SERVER_OFFSET);
        var deadline = DateTime.UtcNow + _answerTimeout;
        lock (_gate)
        {
            while (true)
            {
                int at = _answers.FindIndex(a => a.Command == answer);
                if (at >= 0)
                {
                    var found = _answers[at].Value;
                    _answers.RemoveAt(at);
                    return found;
                }

                var left = deadline - DateTime.UtcNow;
                if (_closed || left <= TimeSpan.Zero)
                {
                    throw new FlashingException(_closed
                        ? $"the RFC 2217 server {Name} closed the connection while setting {what}"
                        : $"the RFC 2217 server {Name} did not confirm {what} within {_answerTimeout.TotalSeconds:0} s");
                }

                Monitor.Wait(_gate, left);
            }
        }
    }

    private void Send(byte[] bytes)
    {
        lock (_writeGate)
        {
            try
            {
                _stream.Write(bytes);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                throw new FlashingException($"the connection to the RFC 2217 server {Name} was lost: {e.Message}", e);
            }
        }
    }

    private void SendNegotiation(byte verb, byte option)
    {
        lock (_gate)
        {
            if (!_sent.Add((verb, option)))
            {
                return; // answered once already: telnet peers must not loop on acknowledgements
            }
        }

        Send(new[] { Rfc2217.IAC, verb, option });
    }

    private void ReadLoop()
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int n;
            while ((n = _stream.Read(buffer)) > 0)
            {
                _decoder.Push(buffer.AsSpan(0, n));
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or FlashingException)
        {
            // the connection ended; readers and waiters learn it from _closed
        }

        lock (_gate)
        {
            _closed = true;
            Monitor.PulseAll(_gate);
        }
    }

    private void Deliver(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            foreach (byte b in data)
            {
                _inbound.Enqueue(b);
            }

            Monitor.PulseAll(_gate);
        }
    }

    private void OnNegotiation(byte verb, byte option)
    {
        bool supported = option is Rfc2217.BINARY or Rfc2217.SGA or Rfc2217.COM_PORT_OPTION;
        if (option == Rfc2217.COM_PORT_OPTION && verb is Rfc2217.DO or Rfc2217.DONT)
        {
            lock (_gate)
            {
                _comPortAccepted = verb == Rfc2217.DO;
                Monitor.PulseAll(_gate);
            }
        }

        switch (verb)
        {
            case Rfc2217.DO:
                SendNegotiation(supported ? Rfc2217.WILL : Rfc2217.WONT, option);
                break;
            case Rfc2217.WILL:
                SendNegotiation(option is Rfc2217.BINARY or Rfc2217.SGA ? Rfc2217.DO : Rfc2217.DONT, option);
                break;
        }
    }

    private void OnSubnegotiation(byte[] bytes)
    {
        if (bytes.Length < 2 || bytes[0] != Rfc2217.COM_PORT_OPTION || bytes[1] <= Rfc2217.SERVER_OFFSET)
        {
            return;
        }

        lock (_gate)
        {
            if (bytes[1] is > Rfc2217.SERVER_OFFSET and <= Rfc2217.SERVER_OFFSET + Rfc2217.SET_CONTROL)
            {
                _answers.Add((bytes[1], bytes[2..]));
                Monitor.PulseAll(_gate);
            }
        }
    }
}
