using System.Globalization;

namespace NodeFirmware.Bench.Ingest;

/// <summary>
/// Peak resident memory (VmHWM) and CPU time of a process from /proc; the bench resets its own peak before each
/// run. CPU time matters on a shared machine: the rate depends on how much of the cores the run got, the CPU
/// seconds per reading do not.
/// </summary>
internal static class ProcessMemory
{
    public static double PeakRssMb(int pid) => ReadKb(pid, "VmHWM:") / 1024.0;

    /// <summary>Resident memory now (VmRSS).</summary>
    public static double RssMb(int pid) => ReadKb(pid, "VmRSS:") / 1024.0;

    /// <summary>Linux: writing 5 to clear_refs resets VmHWM to the current RSS.</summary>
    public static void ResetOwnPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>User + system CPU seconds of a process (/proc/pid/stat fields 14 and 15, in clock ticks of 1/100 s).</summary>
    public static double CpuSeconds(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // fields from 3 (state) on
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return 0;
        }
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
