using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NodeSim.RomBootloader.Uart;

/// <summary>
/// Waits until a <see cref="Stopwatch"/> timestamp with sub-millisecond precision and without spinning. .NET's
/// Thread.Sleep and timers count whole milliseconds, while a byte at 921600 baud takes 11 µs; a wait that ends up
/// to a millisecond late after each answer would add seconds to a flash of a thousand round trips. On Linux and
/// macOS libc's usleep wakes within tens of microseconds; elsewhere the wait falls back to Thread.Sleep.
/// </summary>
public static class LineClock
{
    public static long Now => Stopwatch.GetTimestamp();

    /// <summary>The timestamp <paramref name="seconds"/> after <paramref name="from"/>.</summary>
    public static long After(long from, double seconds) => from + (long)Math.Ceiling(seconds * Stopwatch.Frequency);

    public static TimeSpan Between(long from, long to) => Stopwatch.GetElapsedTime(from, to);

    public static void WaitUntil(long timestamp, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            long remaining = timestamp - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }

            long micros = Math.Max(1, remaining * 1_000_000 / Stopwatch.Frequency);
            if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
            {
                _ = usleep((uint)Math.Min(micros, 100_000)); // short steps so a stop request is seen soon
            }
            else
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(Math.Clamp(micros / 1000, 1, 100)));
            }
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int usleep(uint microseconds);
}
