using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace NodeFirmware.Procedures.Tests.Runner;

/// <summary>
/// Runs the shell blocks of documents, in order, as one bash session (variables, functions and background jobs carry
/// from block to block, as in a reader's terminal) in an empty temporary directory, and reports the first command
/// that failed with its document line. What the runner does instead of the reader:
/// <list type="bullet">
/// <item>the <c>```sh prerequisite</c> blocks: it defines the same aliases for the tools (<see cref="Tools"/>, pointing
/// at the build the tests were built with) and exports the same variables (<see cref="Variables"/>). Aliases rather
/// than functions: a tool started in the background is then itself the job, so <c>$!</c> is its pid and stopping the
/// job stops the tool;
/// <see cref="DocumentedCommandsTests"/> checks the two lists against the blocks;</item>
/// <item>the well-known ports the documents use (<see cref="DocumentedPorts"/>) become free loopback ports, word for
/// word, so the run never meets another service;</item>
/// <item>when the session ends, whatever it left running (a background job, a broker whose run directory is in the
/// temporary directory) is stopped, and a run that succeeded but left something running fails: the documents stop
/// what they start.</item>
/// </list>
/// Everything else runs exactly as written. Add a document by listing its steps in <see cref="DocumentedProcedures"/>;
/// a tool it needs goes into <see cref="Tools"/> (and the test project's references), a system command into
/// <see cref="SystemCommands"/> and tools/scripts/setup.sh.
/// </summary>
public static class ProcedureRunner
{
    /// <summary>Aliases the prerequisite blocks define: name → the dll in the test's output directory.</summary>
    public static readonly IReadOnlyDictionary<string, string> Tools = new Dictionary<string, string>
    {
        ["nodectl"] = "Nodectl.dll",
        ["Receiver"] = "Receiver.dll",
        ["nodesim"] = "NodeSim.Cli.dll",
    };

    /// <summary>Variables the prerequisite blocks export.</summary>
    public static readonly IReadOnlyList<string> Variables = ["NODEFIRMWARE", "NODEFIRMWARE_CA_PASSPHRASE", "NODECTL_RELEASE_PASSPHRASE", "NODECTL_WIFI_PASS"];

    /// <summary>Ports the documents use; each run replaces them with free ones.</summary>
    public static readonly IReadOnlyList<int> DocumentedPorts = [8883, 8080];

    /// <summary>What the procedures need installed (tools/scripts/setup.sh installs it).</summary>
    public static readonly IReadOnlyList<string> SystemCommands = ["/usr/sbin/mosquitto", "mosquitto_pub", "mosquitto_sub", "curl", "openssl", "/usr/sbin/nats-server"];

    /// <param name="documentRoot">Where the steps' documents are (default: the repository).</param>
    /// <param name="checkpoints">Checks the session pauses for after a step (<see cref="Checkpoint"/>).</param>
    public static ProcedureRun Run(IEnumerable<DocStep> steps, TimeSpan? timeout = null, string? documentRoot = null, IReadOnlyList<Checkpoint>? checkpoints = null)
    {
        RequireSystemCommands();
        checkpoints ??= [];
        string root = documentRoot ?? RepositoryRoot.Path;
        var stepList = steps.ToList();
        var blocks = stepList.SelectMany(s => s.Blocks(root)).ToList();
        var pauses = new Dictionary<string, int>();
        for (int i = 0; i < checkpoints.Count; i++)
        {
            var last = stepList.Contains(checkpoints[i].After) ? checkpoints[i].After.Blocks(root).LastOrDefault(b => b.Kind == CommandBlock.Run) : null;
            pauses.Add(last?.Location ?? throw new ArgumentException($"a checkpoint after {checkpoints[i].After}, which is no step of the procedure or has no commands"), i);
        }
        var ports = DocumentedPorts.ToDictionary(p => p, _ => FreePort());
        var run = new ProcedureRun(Directory.CreateTempSubdirectory("nf-procedure-").FullName, ports);
        string script = Script(blocks.Where(b => b.Kind == CommandBlock.Run), ports, pauses);
        File.WriteAllText(Path.Combine(run.WorkDirectory, ".procedure.sh"), script);

        var psi = new ProcessStartInfo("bash", [Path.Combine(run.WorkDirectory, ".procedure.sh")])
        {
            WorkingDirectory = run.WorkDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["NODEFIRMWARE"] = RepositoryRoot.Path;
        psi.Environment["NODEFIRMWARE_CA_PASSPHRASE"] = run.CaPassphrase;
        psi.Environment["NODECTL_RELEASE_PASSPHRASE"] = run.ReleasePassphrase;
        psi.Environment["NODECTL_WIFI_PASS"] = run.WifiPassphrase;
        psi.Environment["USER"] = "docs-runner";
        foreach (var stale in new[] { "NODECTL_CA_PASSPHRASE", "NODESIM_CA_PASSPHRASE", "NODECTL_OPERATOR", "NODEFIRMWARE_RECEIVER_TOKEN", "NODECTL_STATION" })
            psi.Environment.Remove(stale);

        var output = new StringBuilder();
        var checks = new List<Task<string?>>();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start bash");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            string soFar;
            lock (output) soFar = output.AppendLine(e.Data).ToString();
            if (e.Data.StartsWith(CheckpointMarker, StringComparison.Ordinal) && int.TryParse(e.Data[CheckpointMarker.Length..], out int n) && n >= 0 && n < checkpoints.Count)
                lock (checks) checks.Add(RunCheckpoint(checkpoints[n], n, soFar, run.WorkDirectory));
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool finished = process.WaitForExit(timeout ?? TimeSpan.FromMinutes(5));
        if (!finished) process.Kill(entireProcessTree: true);
        // Before draining the output: a process left running still holds the session's stdout open.
        var leftovers = StopLeftovers(run.WorkDirectory);
        process.WaitForExit();
        string? failedCheck;
        lock (checks) failedCheck = checks.Select(c => c.Result).FirstOrDefault(p => p is not null);
        string? problem = !finished ? $"timed out after {timeout ?? TimeSpan.FromMinutes(5)}"
            : failedCheck is not null ? failedCheck
            : process.ExitCode == 0 && leftovers.Count > 0 ? $"left running what it started (stopped now): {string.Join("; ", leftovers)}"
            : null;
        lock (output) run.Finish(finished ? process.ExitCode : -1, output.ToString(), problem);
        return run;
    }

    private const string CheckpointMarker = "procedure: ⏸ checkpoint ";
    private const string CheckpointDone = ".procedure-checkpoint-";

    /// <summary>Runs a checkpoint's check, then lets the session go on; the check's failure, if any, as the run's problem.</summary>
    private static Task<string?> RunCheckpoint(Checkpoint checkpoint, int n, string output, string workDirectory) => Task.Run(async () =>
    {
        try
        {
            await checkpoint.Check(new CheckpointView(workDirectory, output));
            return (string?)null;
        }
        catch (Exception e)
        {
            return $"failed the check after {checkpoint.After}: {e.Message}";
        }
        finally
        {
            File.WriteAllText(Path.Combine(workDirectory, CheckpointDone + n), "");
        }
    });

    /// <summary>The bash script: strict mode, the runner's prerequisites, then each block behind a marker naming its line.</summary>
    /// <param name="pauses">Block location → the checkpoint the session waits for after that block.</param>
    public static string Script(IEnumerable<CommandBlock> blocks, IReadOnlyDictionary<int, int> ports, IReadOnlyDictionary<string, int>? pauses = null)
    {
        var s = new StringBuilder();
        s.AppendLine("set -Eeuo pipefail");
        s.AppendLine("exec 2>&1");
        s.AppendLine("procedure_block='(prerequisites)'");
        s.AppendLine("procedure_home=$PWD");
        s.AppendLine("trap 'echo \"procedure: FAILED in $procedure_block (exit $?)\"' ERR");
        s.AppendLine("shopt -s expand_aliases");
        foreach (var (name, dll) in Tools)
            s.AppendLine($"alias {name}={Quote("dotnet " + Quote(Path.Combine(AppContext.BaseDirectory, dll)))}");
        foreach (var block in blocks)
        {
            s.AppendLine();
            s.AppendLine($"procedure_block={Quote(block.Location + " (" + block.Section + ")")}");
            s.AppendLine($"echo {Quote("procedure: ▶ " + block.Location)}\" (${{SECONDS}} s, $(date -u +%T))\"");
            s.AppendLine(WithPorts(block.Text, ports));
            if (pauses is not null && pauses.TryGetValue(block.Location, out int n))
                s.AppendLine($"echo '{CheckpointMarker}{n}'; until [ -e \"$procedure_home/{CheckpointDone}{n}\" ]; do sleep 0.2; done; rm -f \"$procedure_home/{CheckpointDone}{n}\"");
        }
        s.AppendLine();
        s.AppendLine("echo 'procedure: ✔ every block ran'");
        return s.ToString();
    }

    public static string WithPorts(string text, IReadOnlyDictionary<int, int> ports) =>
        ports.Aggregate(text, (t, p) => Regex.Replace(t, $@"(?<![0-9]){p.Key}(?![0-9])", p.Value.ToString()));

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void RequireSystemCommands()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':');
        var missing = SystemCommands.Where(c => c.Contains('/') ? !File.Exists(c) : !path.Any(d => File.Exists(Path.Combine(d, c)))).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException($"the documented procedures need {string.Join(", ", missing)}: run tools/scripts/setup.sh");
    }

    /// <summary>
    /// What the session left running, stopped: processes whose working directory is in the temporary directory (a
    /// background job the document did not stop), and brokers whose run directory is there (start-broker.sh
    /// daemonizes them). A procedure should stop what it starts, as a reader would; a failed one cannot.
    /// </summary>
    private static List<string> StopLeftovers(string workDirectory)
    {
        var left = new List<string>();
        var pids = new HashSet<int>();
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), out int pid) || pid == Environment.ProcessId) continue;
            try
            {
                var cwd = new DirectoryInfo(Path.Combine(proc, "cwd")).LinkTarget;
                if (cwd is not null && (cwd == workDirectory || cwd.StartsWith(workDirectory + "/", StringComparison.Ordinal))) pids.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        foreach (var pidFile in Directory.EnumerateFiles(workDirectory, "mosquitto.pid", SearchOption.AllDirectories))
        {
            try { pids.Add(NodeFirmware.HostCommon.Broker.BrokerPidFile.LivePid(pidFile)); }
            catch (NodeFirmware.HostCommon.Broker.BrokerException) { /* not running */ }
        }
        foreach (int pid in pids)
        {
            try
            {
                using var leftover = Process.GetProcessById(pid);
                string command = File.Exists($"/proc/{pid}/cmdline") ? File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim() : leftover.ProcessName;
                leftover.Kill();
                leftover.WaitForExit(5_000);
                left.Add($"pid {pid} {command}");
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException) { /* gone meanwhile */ }
        }
        return left;
    }
}
