using System.Globalization;

namespace NodeFirmware.Bench.Fleet;

/// <summary>
/// RLIMIT_NOFILE as /proc shows it. Every node's TLS session is a socket in the bench and one in Mosquitto, so both
/// need more descriptors than nodes. The .NET runtime raises its own soft limit to the hard limit at start, and
/// Mosquitto, started as its child, inherits it; so the hard limit is what has to be large enough (docs/broker.md).
/// </summary>
internal static class DescriptorLimits
{
    /// <summary>The soft limit of open files of a process, or null if /proc cannot tell.</summary>
    public static long? OpenFiles(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/limits"))
            {
                if (!line.StartsWith("Max open files", StringComparison.Ordinal)) continue;
                var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                return soft == "unlimited" ? long.MaxValue : long.Parse(soft, CultureInfo.InvariantCulture);
            }
        }
        catch (IOException) { }
        return null;
    }

    /// <summary>Descriptors a process has open now (0 if /proc cannot tell).</summary>
    public static int InUse(int pid)
    {
        try { return Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return 0; }
    }

    /// <summary>Null when <paramref name="pid"/> may open <paramref name="needed"/> files, else what to do about it.</summary>
    public static string? Shortfall(string who, int pid, long needed)
    {
        long? limit = OpenFiles(pid);
        if (limit is null || limit >= needed) return null;
        return $"{who} may open {limit} files but needs about {needed} (one socket per node): raise the hard limit of open files " +
               "(ulimit -Hn; LimitNOFILE= for a systemd service, nofile in /etc/security/limits.conf) and run again";
    }
}
