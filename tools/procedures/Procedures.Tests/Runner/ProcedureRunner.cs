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
/// <item>the <c>```sh prerequisite</c> blocks: it defines the same shell functions for the tools (<see cref="Tools"/>,
/// pointing at the build the tests were built with) and exports the same variables (<see cref="Variables"/>);
/// <see cref="DocumentedCommandsTests"/> checks the two lists against the blocks;</item>
/// <item>the well-known ports the documents use (<see cref="DocumentedPorts"/>) become free loopback ports, word for
/// word, so the run never meets another service;</item>
/// <item>when the session ends, its background jobs are stopped, and so is any broker whose run directory is in the
/// temporary directory.</item>
/// </list>
/// Everything else runs exactly as written. Add a document by listing its steps in <see cref="DocumentedProcedures"/>;
/// a tool it needs goes into <see cref="Tools"/> (and the test project's references), a system command into
/// <see cref="SystemCommands"/> and tools/scripts/setup.sh.
/// </summary>
public static class ProcedureRunner
{
    /// <summary>Shell functions the prerequisite blocks define: name → the dll in the test's output directory.</summary>
    public static readonly IReadOnlyDictionary<string, string> Tools = new Dictionary<string, string>
    {
        ["nodectl"] = "Nodectl.dll",
        ["Receiver"] = "Receiver.dll",
    };

    /// <summary>Variables the prerequisite blocks export.</summary>
    public static readonly IReadOnlyList<string> Variables = ["NODEFIRMWARE", "NODEFIRMWARE_CA_PASSPHRASE"];

    /// <summary>Ports the documents use; each run replaces them with free ones.</summary>
    public static readonly IReadOnlyList<int> DocumentedPorts = [8883, 8080];

    /// <summary>What the procedures need installed (tools/scripts/setup.sh installs it).</summary>
    public static readonly IReadOnlyList<string> SystemCommands = ["/usr/sbin/mosquitto", "mosquitto_pub", "curl", "openssl"];

    /// <param name="documentRoot">Where the steps' documents are (default: the repository).</param>
    public static ProcedureRun Run(IEnumerable<DocStep> steps, TimeSpan? timeout = null, string? documentRoot = null)
    {
        RequireSystemCommands();
        var blocks = steps.SelectMany(s => s.Blocks(documentRoot ?? RepositoryRoot.Path)).ToList();
        var ports = DocumentedPorts.ToDictionary(p => p, _ => FreePort());
        var run = new ProcedureRun(Directory.CreateTempSubdirectory("nf-procedure-").FullName, ports);
        string script = Script(blocks.Where(b => b.Kind == CommandBlock.Run), ports);
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
        psi.Environment["USER"] = "docs-runner";
        foreach (var stale in new[] { "NODECTL_CA_PASSPHRASE", "NODESIM_CA_PASSPHRASE", "NODECTL_OPERATOR", "NODEFIRMWARE_RECEIVER_TOKEN" })
            psi.Environment.Remove(stale);

        var output = new StringBuilder();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start bash");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool finished = process.WaitForExit(timeout ?? TimeSpan.FromMinutes(5));
        if (!finished) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        StopBrokers(run.WorkDirectory);
        lock (output) run.Finish(finished ? process.ExitCode : -1, output.ToString(), finished ? null : $"timed out after {timeout ?? TimeSpan.FromMinutes(5)}");
        return run;
    }

    /// <summary>The bash script: strict mode, the runner's prerequisites, then each block behind a marker naming its line.</summary>
    public static string Script(IEnumerable<CommandBlock> blocks, IReadOnlyDictionary<int, int> ports)
    {
        var s = new StringBuilder();
        s.AppendLine("set -Eeuo pipefail");
        s.AppendLine("exec 2>&1");
        s.AppendLine("procedure_block='(prerequisites)'");
        s.AppendLine("trap 'echo \"procedure: FAILED in $procedure_block (exit $?)\"' ERR");
        s.AppendLine("trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true' EXIT");
        foreach (var (name, dll) in Tools)
            s.AppendLine($"{name}() {{ dotnet {Quote(Path.Combine(AppContext.BaseDirectory, dll))} \"$@\"; }}");
        foreach (var block in blocks)
        {
            s.AppendLine();
            s.AppendLine($"procedure_block={Quote(block.Location + " (" + block.Section + ")")}");
            s.AppendLine($"echo {Quote("procedure: ▶ " + block.Location)}");
            s.AppendLine(WithPorts(block.Text, ports));
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

    /// <summary>Brokers started by the documents daemonize (start-broker.sh), so they outlive the session: stop them.</summary>
    private static void StopBrokers(string workDirectory)
    {
        foreach (var pidFile in Directory.EnumerateFiles(workDirectory, "mosquitto.pid", SearchOption.AllDirectories))
        {
            try
            {
                int pid = NodeFirmware.HostCommon.Broker.BrokerPidFile.LivePid(pidFile);
                using var broker = Process.GetProcessById(pid);
                broker.Kill();
                broker.WaitForExit(5_000);
            }
            catch (Exception e) when (e is NodeFirmware.HostCommon.Broker.BrokerException or ArgumentException or InvalidOperationException)
            {
                // not running any more
            }
        }
    }
}
