using System.Diagnostics;
using System.Net.Http.Json;

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

    /// <summary>The first admin token, read from the file the receiver named when it created one (null if it did not).</summary>
    public string? AdminToken { get; private set; }

    /// <summary>An HTTP client for this receiver, with the given token (default: the admin token; "" for none).</summary>
    public HttpClient Client(string? token = null)
    {
        var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        token ??= AdminToken;
        if (!string.IsNullOrEmpty(token)) http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return http;
    }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    public string Output
    {
        get { lock (_output) return string.Join('\n', _output.TakeLast(200)); }
    }

    public static async Task<ReceiverProcess> StartAsync(IEnumerable<string> serveArgs, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Receiver.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "serve", "--http", "127.0.0.1:0" }.Concat(serveArgs)) psi.ArgumentList.Add(a);
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        psi.Environment["Logging__LogLevel__NodeFirmware"] = "Information";
        psi.Environment["DOTNET_gcServer"] = "0";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) psi.Environment[name] = value;
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
            string? tokenFile;
            lock (receiver._output) tokenFile = receiver._output.FirstOrDefault(l => l.StartsWith(AdminTokenLine, StringComparison.Ordinal))?[AdminTokenLine.Length..];
            if (tokenFile is not null) receiver.AdminToken = (await File.ReadAllTextAsync(tokenFile.Trim())).Trim();
            return receiver;
        }
        catch
        {
            receiver.Dispose();
            throw;
        }
    }

    public const string AdminTokenLine = "Receiver admin token file: ";

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Add(line);
        const string marker = "Receiver page: ";
        int i = line.IndexOf(marker, StringComparison.Ordinal);
        if (i >= 0) _url.TrySetResult(new Uri(line[(i + marker.Length)..].Trim()));
    }

    /// <summary>Waits until /metrics reports the ingest connected and subscribed.</summary>
    public async Task WaitForBrokerAsync(TimeSpan? timeout = null, string? token = null)
    {
        using var http = Client(token);
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

    /// <summary>A new token with <paramref name="role"/>, made through the API with the admin token.</summary>
    public async Task<string> CreateTokenAsync(string role, string name = "test")
    {
        using var http = Client();
        var response = await http.PostAsJsonAsync("/api/tokens", new { name, role });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        return body.GetProperty("secret").GetString()!;
    }

    /// <summary>The page's address with a token to sign in with (the page takes it from the fragment, which is never sent).</summary>
    public Uri PageWithToken(string token) => new(BaseAddress, "/#token=" + token);

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
