using System.Runtime.InteropServices;

namespace NodeFirmware.HostCommon.Broker;

/// <summary>kill(2) for the signals the broker understands; .NET's Process only sends SIGKILL.</summary>
internal static class PosixSignal
{
    public const int SIGHUP = 1;
    public const int SIGKILL = 9;
    public const int SIGUSR1 = 10;
    public const int SIGTERM = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public static void Send(int pid, int signal)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            throw new PlatformNotSupportedException("signals are only sent on Linux/macOS");
        if (Kill(pid, signal) != 0)
            throw new BrokerException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }
}
