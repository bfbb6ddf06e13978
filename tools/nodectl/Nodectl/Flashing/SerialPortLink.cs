using System.IO.Ports;

namespace NodeFirmware.Nodectl.Flashing;

/// <summary>A real USB-serial bridge through System.IO.Ports, 8N1, no flow control.</summary>
public sealed class SerialPortLink : ISerialLink
{
    private readonly SerialPort _port;

    public SerialPortLink(string portName, int baudRate = RomProtocol.ESP_ROM_BAUD)
    {
        // Opening a device that does not exist is reported by .NET as "access denied" on Linux; say what it is.
        if (!PortExists(portName))
        {
            throw new FlashingException(
                $"no such port {portName}: nothing is plugged in there (or it was unplugged); `nodectl ports` lists the serial ports present");
        }

        _port = new SerialPort(portName, baudRate, Parity.None, 8, StopBits.One)
        {
            Handshake = Handshake.None,
            ReadBufferSize = 64 * 1024,
            WriteBufferSize = 64 * 1024,
            WriteTimeout = 10_000,
        };
        try
        {
            _port.Open();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            _port.Dispose();
            throw new FlashingException($"cannot open serial port {portName}: {e.Message}", e);
        }
    }

    public string Name => _port.PortName;

    public int BaudRate => _port.BaudRate;

    public void SetBaudRate(int baudRate) => _port.BaudRate = baudRate;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        _port.Write(copy, 0, copy.Length);
    }

    public int Read(Span<byte> buffer, TimeSpan timeout)
    {
        _port.ReadTimeout = Math.Max(1, (int)Math.Ceiling(timeout.TotalMilliseconds));
        var chunk = new byte[buffer.Length];
        try
        {
            int n = _port.Read(chunk, 0, chunk.Length);
            chunk.AsSpan(0, n).CopyTo(buffer);
            return n;
        }
        catch (TimeoutException)
        {
            return 0;
        }
    }

    public void SetSignals(bool dtr, bool rts)
    {
        // Boards tie RTS to EN and DTR to IO0 through a transistor pair; the EN capacitor
        // bridges the short moment in which only one of the two lines has changed.
        try
        {
            _port.DtrEnable = dtr;
            _port.RtsEnable = rts;
        }
        catch (IOException e)
        {
            throw new FlashingException(
                $"{Name} has no DTR/RTS modem lines ({e.Message}), e.g. a pty or a bridge without them, so it cannot reset the chip: " +
                "hold BOOT, tap EN, release BOOT and run again with --before no-reset", e);
        }
    }

    private static bool PortExists(string portName) =>
        OperatingSystem.IsWindows()
            ? SerialPort.GetPortNames().Contains(portName, StringComparer.OrdinalIgnoreCase)
            : File.Exists(portName);

    public void DiscardInput() => _port.DiscardInBuffer();

    public void Dispose() => _port.Dispose();
}
