using System.Diagnostics;

namespace NodeFirmware.Receiver.Api;

/// <summary>Sends SIGHUP to the broker named by a pid file (mosquitto re-reads its configuration, CRL included).</summary>
public sealed class PidFileBrokerControl(string pidFile) : IBrokerControl
{
    public async Task<bool> ReloadAsync(CancellationToken ct)
    {
        if (!File.Exists(pidFile)) throw new InvalidOperationException($"broker pid file '{pidFile}' does not exist: is the broker running?");
        var text = (await File.ReadAllTextAsync(pidFile, ct)).Trim();
        if (!int.TryParse(text, out int pid) || pid <= 1) throw new InvalidOperationException($"broker pid file '{pidFile}' holds '{text}', not a pid");
        var psi = new ProcessStartInfo("kill") { RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-HUP");
        psi.ArgumentList.Add(pid.ToString());
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not run kill");
        string err = await p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0) throw new InvalidOperationException($"kill -HUP {pid} failed: {err.Trim()}");
        return true;
    }
}
