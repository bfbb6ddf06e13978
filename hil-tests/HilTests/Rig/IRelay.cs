namespace NodeFirmware.HilTests.Rig;

/// <summary>A switch bank on the rig: a USB relay module or GPIO lines of a rig controller. Channels count from 1.</summary>
public interface IRelay : IDisposable
{
    void Set(int channel, bool closed);
}

/// <summary>
/// The common CH340 "LCUS" USB relay modules: 9600 baud, frame A0 &lt;channel&gt; &lt;0 open | 1 closed&gt; &lt;sum of the three&gt;.
/// </summary>
public sealed class UsbSerialRelay : IRelay
{
    private readonly System.IO.Ports.SerialPort _port;

    public UsbSerialRelay(string portName)
    {
        _port = new System.IO.Ports.SerialPort(portName, 9600);
        try { _port.Open(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            _port.Dispose();
            throw new InvalidOperationException($"cannot open the relay module on {portName}: {e.Message}", e);
        }
    }

    public void Set(int channel, bool closed)
    {
        if (channel is < 1 or > 8) throw new ArgumentOutOfRangeException(nameof(channel), channel, "relay channels are 1..8");
        byte state = closed ? (byte)1 : (byte)0;
        _port.Write([0xA0, (byte)channel, state, (byte)(0xA0 + channel + state)], 0, 4);
    }

    public void Dispose() => _port.Dispose();
}

/// <summary>Switches through Linux sysfs GPIOs (/sys/class/gpio/gpioN/value, already exported as outputs); channel = GPIO number.</summary>
public sealed class SysfsGpioRelay(string root = "/sys/class/gpio") : IRelay
{
    public void Set(int channel, bool closed)
    {
        string path = Path.Combine(root, $"gpio{channel}", "value");
        if (!File.Exists(path)) throw new InvalidOperationException($"GPIO {channel} is not exported ({path} is missing)");
        File.WriteAllText(path, closed ? "1" : "0");
    }

    public void Dispose() { }
}

/// <summary>A relay bank inside this process, wired to a simulated board by name (the pty rig in CI).</summary>
public sealed class LoopbackRelay : IRelay
{
    private static readonly Dictionary<string, Action<int, bool>> Boards = new();
    private readonly Action<int, bool> _board;

    public LoopbackRelay(string name)
    {
        lock (Boards)
            _board = Boards.TryGetValue(name, out var b) ? b : throw new InvalidOperationException($"no simulated board called '{name}' is wired to a loopback relay");
    }

    public static IDisposable Wire(string name, Action<int, bool> board)
    {
        lock (Boards) Boards[name] = board;
        return new Unwire(name);
    }

    public void Set(int channel, bool closed) => _board(channel, closed);

    public void Dispose() { }

    private sealed class Unwire(string name) : IDisposable
    {
        public void Dispose() { lock (Boards) Boards.Remove(name); }
    }
}
