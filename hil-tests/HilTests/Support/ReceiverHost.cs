using System.Diagnostics;

namespace NodeFirmware.HilTests.Support;

/// <summary>
/// The receiver as a child process (<c>dotnet Receiver.dll serve</c> from this test's output folder), so a
/// scenario can SIGKILL it mid-stream exactly like a crash. It binds 127.0.0.1:0; the URL it prints is read back.
/// </summary>
public sealed class ReceiverHost : IDisposable
{
    private const string PageMarker = "Receiver page: ";
    private const string TokenMarker = "Receiver admin token file: ";
    private readonly Process _process;
    private readonly List<string> _lines = new();
    private readonly TaskCompletionSource<Uri> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ReceiverHost(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The first admin token, when this start created one (the receiver names the file it wrote it to).</summary>
    public string? AdminToken { get; private set; }

    public string RecentOutput
    {
        get { lock (_lines) return string.Join('\n', _lines.TakeLast(60)); }
    }

    public static async Task<ReceiverHost> StartAsync(IReadOnlyList<string> serveArgs)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Receiver.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("Receiver.dll is not next to the tests; is the Receiver project referenced?", dll);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "serve", "--http", "127.0.0.1:0" }.Concat(serveArgs)) psi.ArgumentList.Add(a);
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        psi.Environment["DOTNET_gcServer"] = "0";
        psi.Environment["DOTNET_TieredPGO"] = "0";
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet for the receiver");
        var host = new ReceiverHost(process);
        process.OutputDataReceived += (_, e) => host.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => host.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var winner = await Task.WhenAny(host._url.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (winner != host._url.Task)
        {
            string why = process.HasExited ? $"exited with {process.ExitCode}" : "no start within 60 s";
            host.Dispose();
            throw new InvalidOperationException($"the receiver did not start ({why}):\n{host.RecentOutput}");
        }
        host.BaseAddress = host._url.Task.Result;
        string? tokenFile;
        lock (host._lines) tokenFile = host._lines.FirstOrDefault(l => l.StartsWith(TokenMarker, StringComparison.Ordinal))?[TokenMarker.Length..];
        if (tokenFile is not null) host.AdminToken = (await File.ReadAllTextAsync(tokenFile.Trim())).Trim();
        return host;
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_lines) _lines.Add(line);
        int i = line.IndexOf(PageMarker, StringComparison.Ordinal);
        if (i >= 0) _url.TrySetResult(new Uri(line[(i + PageMarker.Length)..].Trim()));
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Waits until /metrics says the ingest is connected and subscribed (before that, telemetry goes nowhere).</summary>
    public async Task WaitForBrokerAsync(TimeSpan timeout, string token)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout && !HasExited)
        {
            try
            {
                if ((await http.GetStringAsync("/metrics")).Contains("\nreceiver_broker_connected 1\n")) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            await Task.Delay(50);
        }
        throw new TimeoutException($"the receiver did not connect to the broker within {timeout}:\n{RecentOutput}");
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        try { Kill(); } catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
