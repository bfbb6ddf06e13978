using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace NodeSim.RomBootloader;

/// <summary>
/// Puts a <see cref="SimulatedRomBootloader"/> behind a TCP socket on 127.0.0.1 so another process (esptool-js
/// under node) can drive it. The host sends messages of [type][length, 16-bit LE][payload]: type 0 serial bytes,
/// type 1 control lines (DTR, RTS as 0/1 bytes), type 2 baud rate (32-bit LE). The chip's bytes come back raw.
/// One client at a time; a new connection replaces the old one.
/// </summary>
public sealed class RomBootloaderTcpBridge : IDisposable
{
    public const byte MessageData = 0;
    public const byte MessageSignals = 1;
    public const byte MessageBaudRate = 2;

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _sendGate = new();
    private readonly Task _acceptLoop;
    private NetworkStream? _client;

    public RomBootloaderTcpBridge(SimulatedRomOptions? options = null)
    {
        Sim = new SimulatedRomBootloader(Transmit, options);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public SimulatedRomBootloader Sim { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Messages the bridge could not parse (a client speaking something else).</summary>
    public int BadMessages { get; private set; }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_sendGate)
        {
            _client?.Dispose();
        }

        try
        {
            _acceptLoop.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
        }

        Sim.Dispose();
        _stop.Dispose();
    }

    private void Transmit(byte[] bytes)
    {
        lock (_sendGate)
        {
            try
            {
                _client?.Write(bytes);
            }
            catch (IOException)
            {
                // the host went away; the chip keeps talking to nobody, like a real UART
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient tcp;
            try
            {
                tcp = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            tcp.NoDelay = true;
            using (tcp)
            {
                var stream = tcp.GetStream();
                lock (_sendGate)
                {
                    _client = stream;
                }

                await ServeAsync(stream);
                lock (_sendGate)
                {
                    _client = null;
                }
            }
        }
    }

    private async Task ServeAsync(NetworkStream stream)
    {
        var header = new byte[3];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await stream.ReadExactlyAsync(header, _stop.Token);
                int length = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(1));
                var payload = new byte[length];
                await stream.ReadExactlyAsync(payload, _stop.Token);
                Dispatch(header[0], payload);
            }
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // client closed or bridge stopping
        }
    }

    private void Dispatch(byte type, byte[] payload)
    {
        switch (type)
        {
            case MessageData:
                Sim.Receive(payload);
                break;
            case MessageSignals when payload.Length == 2:
                Sim.SetSignals(dtr: payload[0] != 0, rts: payload[1] != 0);
                break;
            case MessageBaudRate when payload.Length == 4:
                Sim.SetHostBaudRate((int)BinaryPrimitives.ReadUInt32LittleEndian(payload));
                break;
            default:
                BadMessages++;
                break;
        }
    }
}
