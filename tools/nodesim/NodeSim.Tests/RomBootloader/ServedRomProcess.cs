using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NodeSim.Tests.RomBootloader;

/// <summary>
/// <c>nodesim rom ...</c> as a separate process (the built NodeSim.Cli.dll under dotnet): waits for the line it
/// prints (URL or pty path) and stops it with SIGTERM, as a user's Ctrl-C or a script's kill would.
/// </summary>
internal sealed class ServedRomProcess : IDisposable
{
    private const int SIGTERM = 15;

    private readonly Process _process;
    private readonly Task<string> _stderr;

    public ServedRomProcess(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(CliDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        _stderr = _process.StandardError.ReadToEndAsync();
        var line = _process.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(60)) || line.Result is null)
        {
            _process.Kill();
            throw new InvalidOperationException($"nodesim rom printed nothing on stdout: {_stderr.Result}");
        }

        Served = line.Result;
    }

    /// <summary>The line the command printed: rfc2217://HOST:PORT or the pty's path.</summary>
    public string Served { get; }

    public static string TestsProjectDirectory
    {
        get
        {
            var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            return tfm.Parent!.Parent!.Parent!.FullName; // NodeSim.Tests/bin/<Configuration>/<tfm>
        }
    }

    public static string CliDll
    {
        get
        {
            var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            string path = Path.Combine(TestsProjectDirectory, "..", "NodeSim.Cli", "bin", tfm.Parent!.Name, tfm.Name, "NodeSim.Cli.dll");
            return File.Exists(path) ? Path.GetFullPath(path) : throw new FileNotFoundException("NodeSim.Cli is not built next to the tests", path);
        }
    }

    /// <summary>SIGTERM, then the exit code and what it wrote on stderr.</summary>
    public (int Exit, string Stderr) Stop()
    {
        kill(_process.Id, SIGTERM);
        if (!_process.WaitForExit(TimeSpan.FromSeconds(20)))
        {
            _process.Kill();
            throw new TimeoutException("nodesim rom did not stop within 20 s of SIGTERM");
        }

        return (_process.ExitCode, _stderr.Result);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
