using System.Diagnostics;
using System.Net.Http.Headers;

namespace NodeFirmware.Bench.Fleet;

/// <summary>
/// The receiver as it runs in the field, a process of its own (<c>dotnet Receiver.dll serve</c>, the build output next
/// to the bench): its ingest takes the fleet's telemetry from the broker into SQLite, its API serves the page. A
/// process of its own so its CPU time is its own.
/// </summary>
internal sealed class ReceiverServe : IDisposable
{
    private const string PageLine = "Receiver page: ";
    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _page = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ReceiverServe(Process process) => _process = process;

    public int Pid => _process.Id;
    public Uri BaseAddress { get; private set; } = null!;
    public string AdminToken { get; private set; } = "";

    public string Output
    {
        get { lock (_output) return string.Join('\n', _output); }
    }

    public static async Task<ReceiverServe> StartAsync(string dllDirectory, string storePath, string adminTokenFile, IEnumerable<string> brokerArgs)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(dllDirectory, "Receiver.dll"), "serve", "--http", "127.0.0.1:0", "--store", "sqlite:" + storePath,
                     "--admin-token-file", adminTokenFile, "--report-period", "60" }.Concat(brokerArgs))
            psi.ArgumentList.Add(a);
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        var receiver = new ReceiverServe(Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet"));
        receiver._process.OutputDataReceived += (_, e) => receiver.OnLine(e.Data);
        receiver._process.ErrorDataReceived += (_, e) => receiver.OnLine(e.Data);
        receiver._process.BeginOutputReadLine();
        receiver._process.BeginErrorReadLine();
        try
        {
            var winner = await Task.WhenAny(receiver._page.Task, receiver._process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
            if (winner != receiver._page.Task) throw new InvalidOperationException($"the receiver did not start:\n{receiver.Output}");
            receiver.BaseAddress = receiver._page.Task.Result;
            receiver.AdminToken = (await File.ReadAllTextAsync(adminTokenFile)).Trim();
            return receiver;
        }
        catch
        {
            receiver.Dispose();
            throw;
        }
    }

    public HttpClient Client()
    {
        var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return http;
    }

    /// <summary>Waits until /metrics says the ingest is connected to the broker and subscribed.</summary>
    public async Task WaitForBrokerAsync(TimeSpan timeout)
    {
        using var http = Client();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout && !_process.HasExited)
        {
            try
            {
                if ((await http.GetStringAsync("/metrics")).Contains("\nreceiver_broker_connected 1\n", StringComparison.Ordinal)) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"the receiver did not connect to the broker:\n{Output}");
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > 200) _output.Dequeue();
        }
        int i = line.IndexOf(PageLine, StringComparison.Ordinal);
        if (i >= 0) _page.TrySetResult(new Uri(line[(i + PageLine.Length)..].Trim()));
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
