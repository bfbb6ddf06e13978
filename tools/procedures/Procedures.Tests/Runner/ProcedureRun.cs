using System.Text;

namespace NodeFirmware.Procedures.Tests.Runner;

/// <summary>The outcome of one run: exit code, the session's output, and its working directory for end-state checks.</summary>
public sealed class ProcedureRun : IDisposable
{
    internal ProcedureRun(string workDirectory, IReadOnlyDictionary<int, int> ports)
    {
        WorkDirectory = workDirectory;
        Ports = ports;
    }

    public string WorkDirectory { get; }

    /// <summary>Documented port → the port this run used instead.</summary>
    public IReadOnlyDictionary<int, int> Ports { get; }

    public string CaPassphrase { get; } = "procedure runner passphrase " + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The release key's passphrase (NODECTL_RELEASE_PASSPHRASE), as the reader types it at the prerequisite's prompt.</summary>
    public string ReleasePassphrase { get; } = "procedure runner release passphrase " + Guid.NewGuid().ToString("N")[..8];
    public string WifiPassphrase { get; } = "procedure runner wifi " + Guid.NewGuid().ToString("N")[..8];
    public int ExitCode { get; private set; }
    public string Output { get; private set; } = "";
    public string? Problem { get; private set; }
    public bool Succeeded => ExitCode == 0 && Problem is null;

    public string File(string relative) => Path.Combine(WorkDirectory, relative);

    /// <summary>The runner's line for each block it started, with the session's seconds at its start.</summary>
    public IEnumerable<string> StartedBlocks => Output.Split('\n').Where(l => l.StartsWith("procedure: ▶", StringComparison.Ordinal)).Select(l => l.TrimEnd('\r'));

    internal void Finish(int exitCode, string output, string? problem)
    {
        ExitCode = exitCode;
        Output = output;
        Problem = problem;
    }

    /// <summary>Why it failed: the failing block, the end of the output and of every log file the procedure wrote.</summary>
    public string Report()
    {
        var s = new StringBuilder();
        s.AppendLine($"the procedure {(Problem ?? $"exited with {ExitCode}")}; the blocks it started, with the session's seconds at each:");
        foreach (var started in StartedBlocks) s.AppendLine(started);
        s.AppendLine("its last output:");
        s.AppendLine(Tail(Output, 60));
        foreach (var log in Directory.EnumerateFiles(WorkDirectory, "*.log", SearchOption.AllDirectories))
        {
            s.AppendLine($"--- {Path.GetRelativePath(WorkDirectory, log)} (end)");
            s.AppendLine(Tail(System.IO.File.ReadAllText(log), 25));
        }
        return s.ToString();
    }

    private static string Tail(string text, int lines) => string.Join('\n', text.Split('\n').TakeLast(lines));

    public void Dispose()
    {
        try { Directory.Delete(WorkDirectory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
