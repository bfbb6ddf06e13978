using System.Diagnostics;

namespace NodeFirmware.HostCommon.Tests.Pki;

/// <summary>Runs the openssl CLI as an independent check of what OpenSSL-based peers (Mosquitto) will conclude.</summary>
internal static class OpenSsl
{
    public const string Executable = "/usr/bin/openssl";

    public static (int ExitCode, string Output) Run(params string[] args)
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"{Executable} is missing: run tools/scripts/setup.sh");
        var info = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(30_000)) { p.Kill(); throw new TimeoutException("openssl hung"); }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
