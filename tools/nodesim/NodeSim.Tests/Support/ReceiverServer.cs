using System.Diagnostics;
using NodeFirmware.HostCommon.Pki;
using NodeSim.Fleet;

namespace NodeSim.Tests.Support;

/// <summary>
/// The receiver (tools/receiver) as its own process, `dotnet Receiver.dll serve`, on a SQLite store, connected to a
/// local fleet broker with the receiver identity: its persistent session survives a restart of either side.
/// </summary>
public sealed class ReceiverServer : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = new();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ReceiverServer(Process process) => _process = process;

    public string Output
    {
        get { lock (_output) return string.Join('\n', _output.TakeLast(100)); }
    }

    /// <summary>Starts it and waits until its ingest is connected to the broker.</summary>
    public static async Task<ReceiverServer> StartAsync(LocalFleetBroker cloud, string sqlitePath)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "Receiver.dll"), "serve", "--store", "sqlite:" + sqlitePath, "--http", "127.0.0.1:0",
                     "--broker", $"{cloud.Endpoint.Host}:{cloud.Endpoint.Port}", "--ca", cloud.Pki.CaCertificatePath,
                     "--cert", cloud.Pki.ServiceCertificatePath(ServiceIdentity.Receiver), "--key", cloud.Pki.ServiceKeyPath(ServiceIdentity.Receiver),
                 })
            psi.ArgumentList.Add(a);
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        psi.Environment["Logging__LogLevel__NodeFirmware.Receiver.Ingest.MqttIngestService"] = "Information";
        psi.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
        var server = new ReceiverServer(process);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var winner = await Task.WhenAny(server._connected.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (winner != server._connected.Task)
        {
            server.Dispose();
            throw new InvalidOperationException($"the receiver did not connect to the broker:\n{server.Output}");
        }
        return server;
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Add(line);
        if (line.Contains("connected to ", StringComparison.Ordinal) && line.Contains(" as receiver", StringComparison.Ordinal)) _connected.TrySetResult();
    }

    /// <summary>SIGKILL, as a crash: no shutdown code runs.</summary>
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
