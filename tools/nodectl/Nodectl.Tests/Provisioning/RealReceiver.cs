using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace NodeFirmware.Nodectl.Tests.Provisioning;

/// <summary>
/// The real receiver (<c>dotnet Receiver.dll serve</c> from this test's output folder) on a given loopback port, storing
/// into SQLite (and reading revocation from a PKI store, or taking other options), with no broker. It prints "Receiver page: URL" when it listens
/// and names the file of the first admin token it created.
/// </summary>
internal sealed class RealReceiver : IDisposable
{
    private const string PageMarker = "Receiver page: ";
    private const string TokenMarker = "Receiver admin token file: ";
    private readonly Process _process;
    private readonly List<string> _lines = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RealReceiver(Process process) => _process = process;

    public string AdminToken { get; private set; } = "";

    public string Output
    {
        get { lock (_lines) return string.Join('\n', _lines.TakeLast(60)); }
    }

    public static RealReceiver Start(int port, string databasePath, string pkiDirectory, string caPassphraseFile) =>
        Start(port, databasePath, ["--pki", pkiDirectory, "--ca-passphrase-file", caPassphraseFile]);

    /// <param name="options">further options of <c>Receiver serve</c>, e.g. --release-pub for campaigns</param>
    public static RealReceiver Start(int port, string databasePath, IEnumerable<string> options)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Receiver.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "serve", "--http", $"127.0.0.1:{port}", "--store", "sqlite:" + databasePath }.Concat(options))
            psi.ArgumentList.Add(a);
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        psi.Environment["DOTNET_gcServer"] = "0";
        var receiver = new RealReceiver(Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet for the receiver"));
        receiver._process.OutputDataReceived += (_, e) => receiver.OnLine(e.Data);
        receiver._process.ErrorDataReceived += (_, e) => receiver.OnLine(e.Data);
        receiver._process.BeginOutputReadLine();
        receiver._process.BeginErrorReadLine();
        if (Task.WaitAny([receiver._listening.Task, receiver._process.WaitForExitAsync()], TimeSpan.FromSeconds(60)) != 0)
        {
            receiver.Dispose();
            throw new InvalidOperationException("the receiver did not start:\n" + receiver.Output);
        }
        string? tokenFile;
        lock (receiver._lines) tokenFile = receiver._lines.FirstOrDefault(l => l.StartsWith(TokenMarker, StringComparison.Ordinal))?[TokenMarker.Length..];
        receiver.AdminToken = File.ReadAllText(tokenFile?.Trim() ?? throw new InvalidOperationException("the receiver named no admin token file:\n" + receiver.Output)).Trim();
        receiver.BaseUrl = $"http://127.0.0.1:{port}/";
        return receiver;
    }

    public string BaseUrl { get; private set; } = "";

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_lines) _lines.Add(line);
        if (line.Contains(PageMarker, StringComparison.Ordinal)) _listening.TrySetResult();
    }

    public HttpClient Client(string? token = null)
    {
        var http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(15) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", token ?? AdminToken);
        return http;
    }

    /// <summary>A new API token with <paramref name="role"/>, made with the admin token.</summary>
    public string CreateToken(string role)
    {
        using var http = Client();
        var response = http.PostAsJsonAsync("/api/tokens", new { name = "nodectl-test-" + role, role }).GetAwaiter().GetResult();
        response.EnsureSuccessStatusCode();
        return response.Content.ReadFromJsonAsync<JsonElement>().GetAwaiter().GetResult().GetProperty("secret").GetString()!;
    }

    /// <summary>GET /api/devices/{id}, or null when the receiver does not know it.</summary>
    public JsonElement? Device(string id)
    {
        using var http = Client();
        var response = http.GetAsync($"/api/devices/{id}").GetAwaiter().GetResult();
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return response.Content.ReadFromJsonAsync<JsonElement>().GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill();
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
