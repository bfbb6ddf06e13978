using System.Diagnostics;

namespace NodeFirmware.HostCommon.Broker;

/// <summary>
/// Reloads a broker that runs on its own (start-broker.sh, a service manager) through its pid file: SIGHUP, and when
/// the run directory's mosquitto.log is beside the pid file, a wait for the "Reloading config." line, after which
/// Mosquitto 2.0.11 checks new connections against the re-read CRL. The same checks as broker-pid.sh: the pid must be
/// a live process named mosquitto, so a stale pid file never signals some other process.
/// </summary>
public static class BrokerPidFile
{
    private const string ReloadLogLine = "Reloading config.";

    /// <returns>The pid that was signalled.</returns>
    public static int Reload(string pidFile, TimeSpan? timeout = null)
    {
        var pid = LivePid(pidFile);
        var log = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(pidFile))!, MosquittoConfig.LogFileName);
        int before = CountReloads(log);
        PosixSignal.Send(pid, PosixSignal.SIGHUP);
        if (!File.Exists(log)) return pid;
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var clock = Stopwatch.StartNew();
        while (CountReloads(log) <= before)
        {
            if (clock.Elapsed > limit) throw new BrokerException($"mosquitto (pid {pid}) did not log '{ReloadLogLine}' in {log} within {limit} of SIGHUP");
            Thread.Sleep(20);
        }
        return pid;
    }

    public static int LivePid(string pidFile)
    {
        if (!File.Exists(pidFile)) throw new BrokerException($"broker pid file '{pidFile}' does not exist: is the broker running? (start-broker.sh <run-dir>)");
        var text = File.ReadAllText(pidFile).Trim();
        if (!int.TryParse(text, out int pid) || pid <= 1) throw new BrokerException($"broker pid file '{pidFile}' holds '{text}', not a pid");
        string? name = null;
        try
        {
            // Field 3 of /proc/<pid>/stat is the state; a zombie (Z, X) still has its name but is no broker.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            name = state is "Z" or "X" ? "a zombie" : File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        if (OperatingSystem.IsLinux() && name != "mosquitto")
            throw new BrokerException($"pid {pid} from '{pidFile}' is not a running mosquitto ({(name is null ? "no such process" : $"it is '{name}'")}): the pid file is stale; start the broker again");
        return pid;
    }

    private static int CountReloads(string log)
    {
        if (!File.Exists(log)) return 0;
        string text;
        using (var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var reader = new StreamReader(stream))
            text = reader.ReadToEnd();
        int count = 0;
        for (int i = text.IndexOf(ReloadLogLine, StringComparison.Ordinal); i >= 0; i = text.IndexOf(ReloadLogLine, i + ReloadLogLine.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
