using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace NodeFirmware.Nodectl.Tests.Flashing.EsptoolJs;

/// <summary>
/// Runs tools/nodectl/esptool-js-check/script.mjs (esptool-js under node) with one scenario and returns its JSON
/// report. Installs the pinned esptool-js with `npm ci` the first time.
/// </summary>
internal static class EsptoolJsScript
{
    private static readonly SemaphoreSlim NpmGate = new(1, 1);

    public sealed record Outcome(int Exit, string Stdout, string Stderr)
    {
        /// <summary>The report of a scenario that ran (exit 0); fails the test with esptool-js's own words otherwise.</summary>
        public JsonElement Report()
        {
            Assert.True(Exit == 0, $"esptool-js exited with {Exit}:\n{Stderr}\n{Stdout}");
            string? line = Stdout.Split('\n').LastOrDefault(l => l.StartsWith('{'));
            Assert.True(line is not null, $"esptool-js printed no report:\n{Stdout}\n{Stderr}");
            using var json = JsonDocument.Parse(line);
            return json.RootElement.Clone();
        }
    }

    internal static string? FindNode()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, OperatingSystem.IsWindows() ? "node.exe" : "node");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static Outcome Run(string port, string scenario, params string[] arguments)
    {
        string folder = CheckFolder();
        EnsureNpmPackages(folder);
        return Start(FindNode()!, new[] { "script.mjs", port, scenario }.Concat(arguments), folder, TimeSpan.FromSeconds(120));
    }

    private static string CheckFolder([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "..", "esptool-js-check"));

    private static Outcome Start(string file, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not finish within {timeout.TotalSeconds} s");
        }

        return new Outcome(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static void EnsureNpmPackages(string folder)
    {
        NpmGate.Wait();
        try
        {
            if (Directory.Exists(Path.Combine(folder, "node_modules", "esptool-js")))
            {
                return;
            }

            var npm = Start("npm", new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" }, folder, TimeSpan.FromMinutes(3));
            Assert.True(npm.Exit == 0, $"npm ci in {folder} failed: {npm.Stderr}");
        }
        finally
        {
            NpmGate.Release();
        }
    }
}
