using System.Net;
using System.Net.Sockets;
using NodeSim.RomBootloader.Uart;

namespace NodeSim.RomBootloader.Rfc2217;

/// <summary>Where and how <see cref="RomRfc2217Server"/> serves.</summary>
public sealed record RomRfc2217ServerOptions
{
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>0 picks a free port; read it back from <see cref="RomRfc2217Server.Port"/>.</summary>
    public int Port { get; init; }

    public ControlLinePolicy Lines { get; init; } = ControlLinePolicy.CompleteClassicReset;

    /// <summary>
    /// Paces the chip's UART at the baud rate the client set, as a real line would: each byte takes 10 bit times
    /// (8N1) to reach the chip and to come back from it, so the chip cannot receive or answer faster than the line
    /// rate (<see cref="PacedSerialLine"/>). Off by default: the chip answers as fast as loopback allows. The ROM's
    /// own processing time (flash erase and write) is still not modelled.
    /// </summary>
    public bool PaceAtBaudRate { get; init; }

    /// <summary>One line per notable event (client connected, baud rate, refused setting).</summary>
    public Action<string>? Log { get; init; }
}

/// <summary>
/// One simulated ESP32 (<see cref="SimulatedRomBootloader"/>) behind an RFC 2217 (telnet COM-PORT-OPTION) server,
/// so flashing tools open it as <c>rfc2217://127.0.0.1:PORT</c> like a board on a networked serial port: serial
/// bytes both ways, the baud rate, and DTR/RTS wired to EN/IO0 as on the DevKitC auto-reset circuit. Serves one
/// client at a time, one after the other (a second client waits until the first closes, as for a busy port).
/// </summary>
public sealed class RomRfc2217Server : IDisposable
{
    private readonly RomRfc2217ServerOptions _options;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private volatile Rfc2217Connection? _current;
    private int _connections;

    public RomRfc2217Server(SimulatedRomOptions? simOptions = null, RomRfc2217ServerOptions? options = null)
        : this(transmit => new SimulatedRomBootloader(transmit, simOptions), options)
    {
    }

    /// <param name="createChip">Makes the chip behind the port from the delegate its UART transmits through, e.g. a whole board.</param>
    public RomRfc2217Server(Func<Action<byte[]>, ISerialChip> createChip, RomRfc2217ServerOptions? options = null)
    {
        _options = options ?? new RomRfc2217ServerOptions();
        Chip = createChip(bytes => _current?.SendSerial(bytes));
        _listener = new TcpListener(_options.Address, _options.Port);
        _listener.Start();
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>What the port is wired to: the ROM loader alone, or a board around it.</summary>
    public ISerialChip Chip { get; }

    public SimulatedRomBootloader Sim => Chip.Rom;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The URL a pyserial-based tool opens, e.g. <c>rfc2217://127.0.0.1:4000</c>.</summary>
    public string Url => $"rfc2217://{_options.Address}:{Port}";

    /// <summary>Clients served so far, the current one included.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>When the chip's UART was in use after its latest boot (see <see cref="UartActivity"/>), over all clients.</summary>
    public UartActivity Activity { get; } = new();

    /// <summary>The current client's DTR/RTS relay (null while nobody is connected), for tests.</summary>
    public ControlLineRelay? Lines => _current?.Lines;

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _acceptLoop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        Chip.Dispose();
        _stop.Dispose();
    }

    private void Log(string line) => _options.Log?.Invoke(line);

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

            using (tcp)
            {
                tcp.NoDelay = true;
                string peer = tcp.Client.RemoteEndPoint?.ToString() ?? "?";
                Log($"client {peer} connected");
                Interlocked.Increment(ref _connections);
                var connection = new Rfc2217Connection(tcp.GetStream(), Chip, _options.Lines, _options.PaceAtBaudRate, Activity, Log);
                _current = connection;
                await connection.RunAsync(_stop.Token);
                _current = null;
                Log($"client {peer} disconnected");
            }
        }
    }
}
