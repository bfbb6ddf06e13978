using System.Runtime.InteropServices;

namespace NodeFirmware.HilTests.Pty;

/// <summary>
/// A Linux pseudo-terminal pair from /dev/ptmx (posix_openpt, grantpt, unlockpt, ptsname_r). The slave path is
/// opened by System.IO.Ports like any serial port; the master end is where a simulated board reads and writes.
/// A pty has no modem lines: DTR/RTS do not exist on it, so rigs on a pty drive EN/IO0 through their relays.
/// </summary>
public sealed class PseudoTerminal : IDisposable
{
    private const int O_RDWR = 0x2, O_NOCTTY = 0x100;
    private const short POLLIN = 0x1;
    private int _master;

    public PseudoTerminal()
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("pseudo-terminal rigs need Linux");
        _master = posix_openpt(O_RDWR | O_NOCTTY);
        if (_master < 0) throw new IOException($"posix_openpt failed: errno {Marshal.GetLastPInvokeError()}");
        var name = new byte[128];
        if (grantpt(_master) != 0 || unlockpt(_master) != 0 || ptsname_r(_master, name, name.Length) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            close(_master);
            throw new IOException($"setting up the pty failed: errno {errno}");
        }
        SlavePath = System.Text.Encoding.ASCII.GetString(name, 0, Array.IndexOf(name, (byte)0));
    }

    /// <summary>The serial port path (/dev/pts/N) the rig code opens.</summary>
    public string SlavePath { get; }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            byte[] chunk = bytes.ToArray();
            nint n = write(_master, chunk, chunk.Length);
            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == 4 || errno == 11) { Thread.Sleep(1); continue; } // EINTR, EAGAIN
                if (errno == 5) return; // EIO: nobody has the slave open; a UART with no host
                throw new IOException($"pty write failed: errno {errno}");
            }
            bytes = bytes[(int)n..];
        }
    }

    /// <summary>Reads what is there, waiting up to <paramref name="timeoutMs"/>; 0 when nothing came (or the slave is closed).</summary>
    public int Read(Span<byte> buffer, int timeoutMs)
    {
        var fds = new PollFd { Fd = _master, Events = POLLIN };
        int ready = poll(ref fds, 1, timeoutMs);
        if (ready <= 0 || (fds.Revents & POLLIN) == 0)
        {
            if (ready > 0) Thread.Sleep(Math.Min(timeoutMs, 20)); // POLLHUP while no slave is open
            return 0;
        }
        var chunk = new byte[buffer.Length];
        nint n = read(_master, chunk, chunk.Length);
        if (n <= 0) return 0;
        chunk.AsSpan(0, (int)n).CopyTo(buffer);
        return (int)n;
    }

    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _master, -1);
        if (fd >= 0) close(fd);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd { public int Fd; public short Events; public short Revents; }

    // DllImport with arrays: the project does not allow unsafe code, which LibraryImport with spans would need.
    [DllImport("libc", SetLastError = true)] private static extern int posix_openpt(int flags);
    [DllImport("libc", SetLastError = true)] private static extern int grantpt(int fd);
    [DllImport("libc", SetLastError = true)] private static extern int unlockpt(int fd);
    [DllImport("libc", SetLastError = true)] private static extern int ptsname_r(int fd, [Out] byte[] buf, nint buflen);
    [DllImport("libc", SetLastError = true)] private static extern nint read(int fd, [Out] byte[] buf, nint count);
    [DllImport("libc", SetLastError = true)] private static extern nint write(int fd, [In] byte[] buf, nint count);
    [DllImport("libc", SetLastError = true)] private static extern int poll(ref PollFd fds, nuint nfds, int timeout);
    [DllImport("libc")] private static extern int close(int fd);
}
