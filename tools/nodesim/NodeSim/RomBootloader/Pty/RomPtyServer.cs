using System.Runtime.Versioning;
using System.Threading.Channels;

namespace NodeSim.RomBootloader.Pty;

/// <summary>
/// One simulated ESP32 on a Linux pseudo-terminal: a client opens <see cref="Path"/> like a USB serial port. A pty
/// carries no DTR/RTS, so the chip is powered up in download mode (as with BOOT held) and clients skip their reset
/// (esptool: <c>--before no_reset --after no_reset</c>). The client's baud rate is read from the pty's settings
/// before each chunk of input, so a CHANGE_BAUDRATE followed by the client's own rate change works as on a wire.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class RomPtyServer : IDisposable
{
    private readonly PseudoTerminal _pty;
    private readonly Channel<byte[]> _outbound = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _reader;
    private readonly Task _writer;

    public RomPtyServer(SimulatedRomOptions? simOptions = null)
        : this(transmit => new SimulatedRomBootloader(transmit, simOptions))
    {
    }

    /// <param name="createChip">Makes the chip behind the pty from the delegate its UART transmits through, e.g. a whole board.</param>
    /// <param name="io0Low">Powered up with IO0 low (download mode, as with BOOT held), else from flash.</param>
    public RomPtyServer(Func<Action<byte[]>, ISerialChip> createChip, bool io0Low = true)
    {
        _pty = new PseudoTerminal();
        Chip = createChip(bytes => _outbound.Writer.TryWrite(bytes));
        Chip.PowerOn(io0Low);
        _writer = Task.Run(WriteLoopAsync);
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "rom pty reader" };
        _reader.Start();
    }

    public ISerialChip Chip { get; }

    public SimulatedRomBootloader Sim => Chip.Rom;

    /// <summary>The pty's device path, e.g. /dev/pts/3.</summary>
    public string Path => _pty.SlavePath;

    public void Dispose()
    {
        _stop.Cancel();
        _outbound.Writer.TryComplete();
        _reader.Join(TimeSpan.FromSeconds(2));
        try
        {
            _writer.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
        }

        Chip.Dispose();
        _pty.Dispose();
        _stop.Dispose();
    }

    private void ReadLoop()
    {
        var buffer = new byte[4096];
        while (!_stop.IsCancellationRequested)
        {
            int n;
            try
            {
                n = _pty.Read(buffer, 200);
            }
            catch (IOException)
            {
                return;
            }

            if (n > 0)
            {
                if (_pty.ClientBaudRate() is { } baud)
                {
                    Chip.SetHostBaudRate(baud);
                }

                Chip.Receive(buffer.AsSpan(0, n));
            }
        }
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var bytes in _outbound.Reader.ReadAllAsync(_stop.Token))
            {
                _pty.Write(bytes);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
        }
    }
}
