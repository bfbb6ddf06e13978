using System.Diagnostics;
using System.Net.Sockets;

namespace NodeFirmware.HostCommon.Broker;

/// <summary>
/// A real /usr/sbin/mosquitto running as a child process with a generated configuration. Start waits until the
/// TLS port accepts connections; Stop sends SIGTERM (Mosquitto saves its database on the way out), Kill sends
/// SIGKILL (only what autosave already wrote survives), Restart reuses the same port and run directory.
/// Dispose kills the process.
/// </summary>
public sealed class MosquittoInstance : IDisposable
{
    public const string DefaultExecutable = "/usr/sbin/mosquitto";
    private const int PortAttempts = 5;
    private const int StderrLinesKept = 200;
    private const string ReloadLogLine = "Reloading config.";

    private readonly string _executable;
    private readonly TimeSpan _startTimeout;
    private readonly Queue<string> _stderr = new();
    private Process? _process;

    private MosquittoInstance(MosquittoConfig config, string executable, TimeSpan startTimeout)
    {
        Config = config;
        _executable = executable;
        _startTimeout = startTimeout;
    }

    public MosquittoConfig Config { get; private set; }
    public string Host => Config.BindAddress;
    public int Port => Config.Port;
    public int? ProcessId => IsRunning ? _process!.Id : null;
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Writes the configuration and starts the broker; with Port 0 a free loopback port is chosen.</summary>
    public static MosquittoInstance Start(MosquittoConfig config, string executable = DefaultExecutable, TimeSpan? startTimeout = null)
    {
        RequireInstalled(executable);
        var instance = new MosquittoInstance(config, executable, startTimeout ?? TimeSpan.FromSeconds(15));
        try
        {
            if (config.Port != 0)
            {
                instance.Launch();
                return instance;
            }
            for (var attempt = 1; ; attempt++)
            {
                instance.Config = config.WithPort(FreePort.OnLoopback());
                try
                {
                    instance.Launch();
                    return instance;
                }
                catch (BrokerException) when (attempt < PortAttempts && instance.LooksLikePortTaken())
                {
                    // Another process took the port between our probe and mosquitto's bind: try another.
                }
            }
        }
        catch
        {
            instance.Dispose();
            throw;
        }
    }

    public static void RequireInstalled(string executable = DefaultExecutable)
    {
        if (!File.Exists(executable))
            throw new BrokerException($"mosquitto is not installed ({executable} not found): run tools/scripts/setup.sh");
    }

    /// <summary>SIGTERM and wait; Mosquitto writes its database before exiting. Falls back to SIGKILL after the timeout.</summary>
    public void Stop(TimeSpan? timeout = null)
    {
        if (!IsRunning) return;
        PosixSignal.Send(_process!.Id, PosixSignal.SIGTERM);
        if (!_process.WaitForExit(timeout ?? TimeSpan.FromSeconds(10)))
        {
            Kill();
            throw new BrokerException($"mosquitto did not exit within {timeout ?? TimeSpan.FromSeconds(10)} of SIGTERM and was killed");
        }
    }

    /// <summary>SIGKILL: no final save, like a power cut of the broker host.</summary>
    public void Kill()
    {
        if (!IsRunning) return;
        PosixSignal.Send(_process!.Id, PosixSignal.SIGKILL);
        _process.WaitForExit();
    }

    /// <summary>Stops (gracefully) if running and starts again on the same port and data directory.</summary>
    public void Restart()
    {
        Stop();
        Launch();
    }

    /// <summary>
    /// SIGHUP, then waits until the broker logged "Reloading config.": Mosquitto 2.0.11 has then re-read the ACL
    /// file, logging settings, the server certificate/key and the CA/CRL files. Connected clients stay connected.
    /// </summary>
    public void Reload(TimeSpan? timeout = null)
    {
        RequireRunning();
        var before = CountInLog(ReloadLogLine);
        PosixSignal.Send(_process!.Id, PosixSignal.SIGHUP);
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var clock = Stopwatch.StartNew();
        while (CountInLog(ReloadLogLine) <= before)
        {
            if (!IsRunning) throw new BrokerException($"mosquitto exited while reloading.\n{Diagnostics()}");
            if (clock.Elapsed > limit) throw new BrokerException($"mosquitto did not log '{ReloadLogLine}' within {limit} of SIGHUP");
            Thread.Sleep(10);
        }
    }

    /// <summary>
    /// Makes a rewritten crlfile take effect for new connections (checked against Mosquitto 2.0.11: SIGHUP reloads it).
    /// A revoked device that is connected right now stays connected until it reconnects; pass
    /// <paramref name="disconnectEveryone"/> to restart the broker instead, which cuts every connection (devices
    /// reconnect with back-off, persistent sessions survive) so the revoked one is out at once.
    /// </summary>
    public void ReloadCrl(bool disconnectEveryone = false)
    {
        if (disconnectEveryone) Restart();
        else Reload();
    }

    /// <summary>SIGUSR1: write the persistence database now.</summary>
    public void SaveNow()
    {
        RequireRunning();
        PosixSignal.Send(_process!.Id, PosixSignal.SIGUSR1);
    }

    public string ReadLog()
    {
        if (!File.Exists(Config.LogPath)) return "";
        using var stream = new FileStream(Config.LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public DateTime? DatabaseWrittenUtc => File.Exists(Config.DatabasePath) ? File.GetLastWriteTimeUtc(Config.DatabasePath) : null;

    public override string ToString() => $"mosquitto pid {ProcessId?.ToString() ?? "-"} on {Host}:{Port} ({Config.RunDirectory})";

    public void Dispose()
    {
        try { Kill(); }
        catch (Exception) { /* already gone */ }
        _process?.Dispose();
        _process = null;
    }

    private void Launch()
    {
        Config.Write();
        lock (_stderr) _stderr.Clear();
        var info = new ProcessStartInfo(_executable)
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Config.RunDirectory,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Config.ConfPath);
        _process?.Dispose();
        _process = new Process { StartInfo = info };
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        try { _process.Start(); }
        catch (Exception e) { throw new BrokerException($"cannot start {_executable}: {e.Message}", e); }
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        WaitUntilAccepting();
    }

    private const int StartGraceMillis = 200;

    private void ThrowIfExited()
    {
        if (!_process!.HasExited) return;
        _process.WaitForExit(); // flush the redirected streams
        throw new BrokerException($"mosquitto exited with code {_process.ExitCode} during start on port {Port}.\n{Diagnostics()}");
    }

    private void WaitUntilAccepting()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < _startTimeout)
        {
            ThrowIfExited();
            try
            {
                using var probe = new TcpClient();
                probe.Connect(Host, Port);
                // Mosquitto opens its listening socket before it loads the TLS files, so a bad key can still end it
                // just after the port accepted: only a broker still running a moment later has started.
                Thread.Sleep(StartGraceMillis);
                ThrowIfExited();
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(25);
            }
        }
        Kill();
        throw new BrokerException($"mosquitto did not accept connections on {Host}:{Port} within {_startTimeout}.\n{Diagnostics()}");
    }

    private int CountInLog(string text)
    {
        var log = ReadLog();
        var count = 0;
        for (var i = log.IndexOf(text, StringComparison.Ordinal); i >= 0; i = log.IndexOf(text, i + text.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    private bool LooksLikePortTaken() => Diagnostics().Contains("Address already in use", StringComparison.OrdinalIgnoreCase);

    private string Diagnostics()
    {
        string stderr;
        lock (_stderr) stderr = string.Join('\n', _stderr);
        var log = ReadLog();
        var tail = string.Join('\n', log.Split('\n').TakeLast(20));
        return $"stderr:\n{stderr}\nlog tail ({Config.LogPath}):\n{tail}";
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_stderr)
        {
            _stderr.Enqueue(line);
            while (_stderr.Count > StderrLinesKept) _stderr.Dequeue();
        }
    }

    private void RequireRunning()
    {
        if (!IsRunning) throw new BrokerException("mosquitto is not running");
    }
}
