namespace NodeSim.Tests.RomBootloader;

/// <summary>Debian's python3 with pyserial (package python3-serial), whose RFC 2217 client drives the server in tests.</summary>
internal static class PySerial
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<bool> Installed = new(() =>
    {
        if (!File.Exists(Python))
        {
            return false;
        }

        try
        {
            return ExternalTool.Run(Python, new[] { "-c", "import serial, serial.rfc2217" }, TimeSpan.FromSeconds(30)).Exit == 0;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or TimeoutException)
        {
            return false;
        }
    });

    public static bool Available => Installed.Value;

    /// <summary>Runs a Python script file with arguments; fails the test with its output if it exits non-zero.</summary>
    public static string RunScript(string scriptPath, params string[] arguments)
    {
        var (exit, stdout, stderr) = ExternalTool.Run(Python, new[] { scriptPath }.Concat(arguments), TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, $"python exited with {exit}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        return stdout;
    }
}

/// <summary>Runs only where python3 can import pyserial; everything else about the test must work or fail.</summary>
public sealed class PySerialFactAttribute : FactAttribute
{
    public PySerialFactAttribute()
    {
        if (!PySerial.Available)
        {
            Skip = "python3 cannot import serial (install Debian's python3-serial), so the pyserial RFC 2217 client test cannot run";
        }
    }
}
