namespace NodeSim.Tests.RomBootloader;

/// <summary>Espressif's Python esptool (v4), found through the ESPTOOL environment variable (the path of esptool.py).</summary>
internal static class Esptool
{
    public static string? Script
    {
        get
        {
            string? path = Environment.GetEnvironmentVariable("ESPTOOL");
            return !string.IsNullOrWhiteSpace(path) && File.Exists(path) ? path : null;
        }
    }

    /// <summary>esptool.py --port URL --no-stub --before default_reset [extra global options] command...; returns exit code and all output.</summary>
    public static (int Exit, string Output) Run(string url, string workingDirectory, params string[] arguments)
    {
        var all = new List<string> { Script!, "--port", url, "--no-stub", "--before", "default_reset" };
        all.AddRange(arguments);
        var (exit, stdout, stderr) = ExternalTool.Run(PySerial.Python, all, TimeSpan.FromMinutes(3), workingDirectory);
        return (exit, stdout + stderr);
    }

    /// <summary>Like <see cref="Run"/> but fails the test with esptool's output unless it exits 0.</summary>
    public static string Ok(string url, string workingDirectory, params string[] arguments)
    {
        var (exit, output) = Run(url, workingDirectory, arguments);
        Assert.True(exit == 0, $"esptool {string.Join(' ', arguments)} exited with {exit}:\n{output}");
        return output;
    }
}

/// <summary>Runs only where ESPTOOL names an esptool.py; everything else about the test must work or fail.</summary>
public sealed class EsptoolFactAttribute : FactAttribute
{
    public EsptoolFactAttribute()
    {
        if (Esptool.Script is null)
        {
            Skip = "ESPTOOL does not name an esptool.py (Espressif's Python esptool v4), so the esptool checks against the RFC 2217 server do not run";
        }
        else if (!PySerial.Available)
        {
            Skip = "python3 cannot import serial (install Debian's python3-serial), so esptool cannot run";
        }
    }
}
