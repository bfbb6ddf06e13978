using System.Diagnostics;
using System.Text;

namespace NodeFirmware.Procedures.Tests.Revocation;

/// <summary>nodectl and the receiver as the processes an operator runs: `dotnet Nodectl.dll ...`, `dotnet Receiver.dll serve ...`.</summary>
internal static class Tools
{
    public static async Task<(int Exit, string Output)> NodectlAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var psi = Start("Nodectl.dll", args, environment);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await stdout + await stderr);
    }

    public static async Task<RunningReceiver> StartReceiverAsync(string directory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        string store = Path.Combine(directory, "receiver.db");
        var psi = Start("Receiver.dll", ["serve", "--store", "sqlite:" + store, "--http", "127.0.0.1:0", .. args], environment);
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        var receiver = new RunningReceiver(Process.Start(psi)!, store + ".admin-token");
        try
        {
            await receiver.WaitUntilListeningAsync(TimeSpan.FromSeconds(60));
            return receiver;
        }
        catch
        {
            receiver.Dispose();
            throw;
        }
    }

    private static ProcessStartInfo Start(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var stale in new[] { "NODECTL_CA_PASSPHRASE", "NODESIM_CA_PASSPHRASE", "NODEFIRMWARE_CA_PASSPHRASE" }) psi.Environment.Remove(stale);
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        return psi;
    }
}

internal sealed class RunningReceiver : IDisposable
{
    private readonly Process _process;
    private readonly string _tokenFile;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RunningReceiver(Process process, string tokenFile)
    {
        _process = process;
        _tokenFile = tokenFile;
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri Address => _address.Task.Result;

    public HttpClient Client()
    {
        var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", File.ReadAllText(_tokenFile).Trim());
        return http;
    }

    public async Task WaitUntilListeningAsync(TimeSpan timeout)
    {
        var winner = await Task.WhenAny(_address.Task, _process.WaitForExitAsync(), Task.Delay(timeout));
        if (winner != _address.Task)
            lock (_output) throw new InvalidOperationException("the receiver did not start:\n" + _output);
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        const string marker = "Receiver page: ";
        if (line.StartsWith(marker, StringComparison.Ordinal)) _address.TrySetResult(new Uri(line[marker.Length..].Trim()));
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit(10_000);
        _process.Dispose();
    }
}
