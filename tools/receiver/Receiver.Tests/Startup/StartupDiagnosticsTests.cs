using System.Diagnostics;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Startup;

/// <summary>
/// `Receiver serve` with something missing says what and which command makes it, exits non-zero and prints no stack
/// trace (it used to abort with exit 134 and a trace when the key file was missing).
/// </summary>
public sealed class StartupDiagnosticsTests : IDisposable
{
    private const string Passphrase = "startup diagnostics passphrase";
    private readonly TempDirectory _dir = new("nf-startup");

    public void Dispose() => _dir.Dispose();

    private async Task<(int Exit, string Output)> ServeAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _dir.Path };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "Receiver.dll"), "serve", "--store", "sqlite:" + _dir.File("r.db"), "--http", "127.0.0.1:0" }.Concat(args))
            psi.ArgumentList.Add(a);
        psi.Environment.Remove(CaPassphrase.EnvironmentVariable);
        foreach (var retired in CaPassphrase.RetiredVariables) psi.Environment.Remove(retired);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the receiver kept running although it should have refused to start:\n" + await stdout + await stderr);
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    private static void AssertNoStackTrace(string output) =>
        Assert.DoesNotContain(output.Split('\n'), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) && l.Contains(" in ", StringComparison.Ordinal) || l.Contains("Unhandled exception"));

    [Fact]
    public async Task A_missing_key_file_is_named_with_the_command_that_creates_it()
    {
        var pki = new PkiStore(_dir.File("pki"));
        using (var ca = pki.CreateCa("startup", Passphrase, kdfIterations: 100_000)) { }
        File.WriteAllText(_dir.File("client.crt"), "");
        var (exit, output) = await ServeAsync(["--broker", "127.0.0.1:1", "--ca", pki.CaCertificatePath, "--cert", _dir.File("client.crt"),
            "--key", "pki/services/receiver/client.key"]);
        Assert.Equal(1, exit);
        Assert.Contains("pki/services/receiver/client.key", output);
        Assert.Contains("nodectl ca issue receiver --dir pki", output);
        AssertNoStackTrace(output);
    }

    [Fact]
    public async Task A_pki_store_without_a_passphrase_is_refused_at_start_not_at_the_first_revocation()
    {
        var pki = new PkiStore(_dir.File("pki"));
        using (var ca = pki.CreateCa("startup", Passphrase, kdfIterations: 100_000)) { }

        var (exit, output) = await ServeAsync(["--pki", pki.Root]);
        Assert.Equal(1, exit);
        Assert.Contains(CaPassphrase.EnvironmentVariable, output);
        Assert.Contains("--ca-passphrase-file", output);
        AssertNoStackTrace(output);

        (exit, output) = await ServeAsync(["--pki", pki.Root], new Dictionary<string, string> { ["NODECTL_CA_PASSPHRASE"] = Passphrase });
        Assert.Equal(1, exit);
        Assert.Contains($"NODECTL_CA_PASSPHRASE is no longer read", output);
        Assert.Contains(CaPassphrase.EnvironmentVariable, output);

        (exit, output) = await ServeAsync(["--pki", pki.Root], new Dictionary<string, string> { [CaPassphrase.EnvironmentVariable] = "not the passphrase" });
        Assert.Equal(1, exit);
        Assert.Contains("wrong passphrase", output);
    }

    [Fact]
    public async Task With_the_one_passphrase_variable_a_revocation_through_the_api_signs_the_crl()
    {
        var pki = new PkiStore(_dir.File("pki"));
        using (var ca = pki.CreateCa("startup", Passphrase, kdfIterations: 100_000)) { }
        using var receiver = await ReceiverProcess.StartAsync(["--store", "sqlite:" + _dir.File("ok.db"), "--pki", pki.Root],
            environment: new Dictionary<string, string> { [CaPassphrase.EnvironmentVariable] = Passphrase });
        using var http = receiver.Client();
        await http.PostAsync("/api/devices", System.Net.Http.Json.JsonContent.Create(new { id = "esp32-00000000f00d", certSerial = "0A0B" }));
        var response = await http.PostAsync("/api/devices/esp32-00000000f00d/revoke", null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Contains(pki.LoadRevoked(), r => r.SerialHex == "0A0B");
        Assert.Equal(2, (int)pki.CurrentCrlNumber);
    }
}
