using System.Globalization;

namespace NodeFirmware.Bench.Ingest;

/// <summary>Peak resident memory (VmHWM) of a process from /proc; the bench resets its own peak before each run.</summary>
internal static class ProcessMemory
{
    public static double PeakRssMb(int pid) => ReadKb(pid, "VmHWM:") / 1024.0;

    /// <summary>Linux: writing 5 to clear_refs resets VmHWM to the current RSS.</summary>
    public static void ResetOwnPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>The 1-minute load average: the machine is shared, so every figure is printed with it.</summary>
    public static string Load1() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static long ReadKb(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith(field, StringComparison.Ordinal))
                    return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException) { }
        return 0;
    }
}
