using System.Diagnostics;

namespace NodeFirmware.Receiver.Tests.Support;

/// <summary>
/// The receiver as a separate process (<c>dotnet Receiver.dll serve ...</c>), so a test can SIGKILL it. The HTTP
/// port is chosen by the OS (--http 127.0.0.1:0) and read back from the "Receiver page:" line it prints.
/// </summary>
public sealed class ReceiverProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = new();
    private readonly TaskCompletionSource<Uri> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ReceiverProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    public string Output
    {
        get { lock (_output) return string.Join('\n', _output.TakeLast(200)); }
    }

    public static async Task<ReceiverProcess> StartAsync(IEnumerable<string> serveArgs, TimeSpan? timeout = null)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Receiver.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "serve", "--http", "127.0.0.1:0" }.Concat(serveArgs)) psi.ArgumentList.Add(a);
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        psi.Environment["Logging__LogLevel__NodeFirmware"] = "Information";
        psi.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
        var receiver = new ReceiverProcess(process);
        process.OutputDataReceived += (_, e) => receiver.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => receiver.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var started = receiver._url.Task;
            var exited = process.WaitForExitAsync();
            var winner = await Task.WhenAny(started, exited, Task.Delay(timeout ?? TimeSpan.FromSeconds(60)));
            if (winner != started)
                throw new InvalidOperationException($"the receiver did not start ({(winner == exited ? "exited " + process.ExitCode : "timeout")}):\n{receiver.Output}");
            receiver.BaseAddress = started.Result;
            return receiver;
        }
        catch
        {
            receiver.Dispose();
            throw;
        }
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Add(line);
        const string marker = "Receiver page: ";
        int i = line.IndexOf(marker, StringComparison.Ordinal);
        if (i >= 0) _url.TrySetResult(new Uri(line[(i + marker.Length)..].Trim()));
    }

    /// <summary>Waits until /metrics reports the ingest connected and subscribed.</summary>
    public async Task WaitForBrokerAsync(TimeSpan? timeout = null)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await http.GetStringAsync("/metrics")).Contains("\nreceiver_broker_connected 1\n")) return;
            }
            catch (HttpRequestException) { }
            if (HasExited) break;
            await Task.Delay(100);
        }
        throw new TimeoutException($"the receiver did not connect to the broker:\n{Output}");
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a crash.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
