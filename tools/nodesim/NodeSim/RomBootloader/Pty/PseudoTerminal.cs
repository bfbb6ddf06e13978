using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;

namespace NodeSim.RomBootloader.Pty;

/// <summary>
/// A Linux pseudo-terminal pair from libc (posix_openpt, grantpt, unlockpt, ptsname_r). The server keeps the master;
/// a client opens <see cref="SlavePath"/> as its serial port. The server also holds the slave open, in raw mode,
/// so nothing is echoed or line-edited before a client configures it and reads on the master never see a hang-up
/// between clients. A pty has no modem lines: DTR/RTS from the client go nowhere.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class PseudoTerminal : IDisposable
{
    private const int O_RDWR = 2;
    private const int O_NOCTTY = 0x100;
    private const int TCSANOW = 0;
    private const short POLLIN = 1;
    private const int EINTR = 4;
    private const int EAGAIN = 11;

    /// <summary>glibc's struct termios is 60 bytes on Linux; room to spare.</summary>
    private const int TermiosSize = 256;

    /// <summary>c_cflag is the third 32-bit field of struct termios; its CBAUD bits hold the speed code.</summary>
    private const int CflagOffset = 8;
    private const uint CBAUD = 0x100F;

    private static readonly Dictionary<uint, int> SpeedCodes = new()
    {
        [0x0D] = 9600, [0x0E] = 19200, [0x0F] = 38400, [0x1001] = 57600, [0x1002] = 115200, [0x1003] = 230400,
        [0x1004] = 460800, [0x1005] = 500000, [0x1006] = 576000, [0x1007] = 921600, [0x1008] = 1000000,
        [0x1009] = 1152000, [0x100A] = 1500000, [0x100B] = 2000000, [0x100C] = 2500000, [0x100D] = 3000000,
    };

    private readonly int _master;
    private readonly int _slave;

    public PseudoTerminal()
    {
        _master = Check(posix_openpt(O_RDWR | O_NOCTTY), "posix_openpt");
        Check(grantpt(_master), "grantpt");
        Check(unlockpt(_master), "unlockpt");
        var name = new byte[128];
        int error = ptsname_r(_master, name, (nuint)name.Length);
        if (error != 0)
        {
            throw new IOException($"ptsname_r failed with errno {error}");
        }

        SlavePath = Encoding.ASCII.GetString(name, 0, Array.IndexOf(name, (byte)0));
        _slave = Check(open(SlavePath, O_RDWR | O_NOCTTY), "open " + SlavePath);
        var termios = new byte[TermiosSize];
        Check(tcgetattr(_slave, termios), "tcgetattr");
        cfmakeraw(termios);
        Check(tcsetattr(_slave, TCSANOW, termios), "tcsetattr");
    }

    /// <summary>The path a client opens, e.g. /dev/pts/3.</summary>
    public string SlavePath { get; }

    /// <summary>The speed the client last set on its end (termios), or null if it is not a standard rate.</summary>
    public int? ClientBaudRate()
    {
        var termios = new byte[TermiosSize];
        if (tcgetattr(_slave, termios) != 0)
        {
            return null;
        }

        uint code = BitConverter.ToUInt32(termios, CflagOffset) & CBAUD;
        return SpeedCodes.TryGetValue(code, out int rate) ? rate : null;
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> for bytes the client wrote; returns how many were read (0: none yet).</summary>
    public int Read(byte[] buffer, int timeoutMs)
    {
        var poll = new PollFd { Fd = _master, Events = POLLIN };
        int ready = Poll(ref poll, 1, timeoutMs);
        if (ready <= 0)
        {
            return 0;
        }

        int n = (int)read(_master, buffer, (nuint)buffer.Length);
        if (n < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return errno is EINTR or EAGAIN ? 0 : throw new IOException($"reading the pty master failed with errno {errno}");
        }

        return n;
    }

    /// <summary>Bytes to the client.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        var data = bytes.ToArray();
        int at = 0;
        while (at < data.Length)
        {
            int n = (int)write(_master, data.AsSpan(at).ToArray(), (nuint)(data.Length - at));
            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno is EINTR or EAGAIN)
                {
                    continue;
                }

                throw new IOException($"writing the pty master failed with errno {errno}");
            }

            at += n;
        }
    }

    public void Dispose()
    {
        close(_slave);
        close(_master);
    }

    private static int Check(int result, string what) =>
        result >= 0 ? result : throw new IOException($"{what} failed with errno {Marshal.GetLastPInvokeError()}");

    private static int Poll(ref PollFd fd, uint count, int timeoutMs) => poll(ref fd, count, timeoutMs);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int posix_openpt(int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int grantpt(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int unlockpt(int fd);

    [DllImport("libc")]
    private static extern int ptsname_r(int fd, byte[] buffer, nuint length);

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int tcgetattr(int fd, byte[] termios);

    [DllImport("libc", SetLastError = true)]
    private static extern int tcsetattr(int fd, int action, byte[] termios);

    [DllImport("libc")]
    private static extern void cfmakeraw(byte[] termios);

    [DllImport("libc", SetLastError = true)]
    private static extern nint read(int fd, byte[] buffer, nuint count);

    [DllImport("libc", SetLastError = true)]
    private static extern nint write(int fd, byte[] buffer, nuint count);

    [DllImport("libc", SetLastError = true)]
    private static extern int poll(ref PollFd fds, uint count, int timeoutMs);
}
