using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using NodeSim.RomBootloader;

namespace NodeFirmware.Nodectl.Tests.Flashing;

/// <summary>Runs only where node is installed; everything else about the cross-check must work or fail.</summary>
public sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute()
    {
        if (EsptoolJsCrossCheckTests.FindNode() is null)
        {
            Skip = "node is not installed, so the esptool-js cross-check cannot run";
        }
    }
}

/// <summary>esptool-js, an implementation nodectl did not write, flashes the simulated ROM loader over TCP.</summary>
public class EsptoolJsCrossCheckTests
{
    private static readonly SemaphoreSlim NpmGate = new(1, 1);

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

    private static string CheckFolder([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "esptool-js-check"));

    private static (int Exit, string Stdout, string Stderr) Run(string file, string arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} did not finish within {timeout.TotalSeconds} s");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
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

            var npm = Run("npm", "ci --no-audit --no-fund --loglevel=error", folder, TimeSpan.FromMinutes(3));
            Assert.True(npm.Exit == 0, $"npm ci in {folder} failed: {npm.Stderr}");
        }
        finally
        {
            NpmGate.Release();
        }
    }

    [NodeFact]
    public void Esptool_js_flashes_the_simulated_rom_compressed() => CrossCheck("compress");

    [NodeFact]
    public void Esptool_js_flashes_the_simulated_rom_plain() => CrossCheck("plain");

    private static void CrossCheck(string mode)
    {
        string folder = CheckFolder();
        EnsureNpmPackages(folder);
        string temp = Directory.CreateTempSubdirectory("esptool-js-check-").FullName;
        try
        {
            var bootloader = FirmwareLikeImage.Create(1, 21_001);
            var app = FirmwareLikeImage.Create(2, 90_000);
            File.WriteAllBytes(Path.Combine(temp, "bootloader.bin"), bootloader);
            File.WriteAllBytes(Path.Combine(temp, "app.bin"), app);
            var mac = new byte[] { 0x24, 0x6F, 0x28, 0xAB, 0xCD, 0xEF };
            using var bridge = new RomBootloaderTcpBridge(new SimulatedRomOptions { Mac = mac });

            var run = Run(
                FindNode()!,
                $"script.mjs {bridge.Port} {mode} 0x1000:\"{Path.Combine(temp, "bootloader.bin")}\" 0x10000:\"{Path.Combine(temp, "app.bin")}\"",
                folder,
                TimeSpan.FromSeconds(90));

            Assert.True(run.Exit == 0, $"esptool-js exited with {run.Exit}: {run.Stderr}\n{run.Stdout}");
            using var json = JsonDocument.Parse(run.Stdout.Trim().Split('\n')[^1]);
            var root = json.RootElement;
            Assert.Equal("ESP32", root.GetProperty("chip").GetString());
            Assert.Equal("24:6f:28:ab:cd:ef", root.GetProperty("mac").GetString());
            var images = root.GetProperty("images").EnumerateArray().ToList();
            Assert.Equal(2, images.Count);
            foreach (var (image, data) in images.Zip(new[] { bootloader, app }))
            {
                var padded = data.Concat(Enumerable.Repeat((byte)0xFF, (4 - (data.Length % 4)) % 4)).ToArray();
                string expected = Convert.ToHexStringLower(MD5.HashData(padded));
                Assert.Equal(expected, image.GetProperty("md5Local").GetString());
                Assert.Equal(expected, image.GetProperty("md5Rom").GetString());
            }

            Assert.True(bridge.Sim.Flash.Read(0x1000, bootloader.Length).SequenceEqual(bootloader));
            Assert.True(bridge.Sim.Flash.Read(0x10000, app.Length).SequenceEqual(app));
            Assert.Equal(0, bridge.BadMessages);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }
}
