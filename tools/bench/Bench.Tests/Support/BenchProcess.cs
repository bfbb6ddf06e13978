using System.Diagnostics;

namespace NodeFirmware.Bench.Tests.Support;

/// <summary>Runs the built Bench.dll as a user would (`dotnet Bench.dll NAME ...`) and returns its standard output.</summary>
public static class BenchProcess
{
    public static string Run(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Bench.dll"));
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, stderr.Result);
        return stdout;
    }
}
