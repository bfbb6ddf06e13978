using System.Diagnostics;
using System.Text.Json;
using NodeSim.RomBootloader;
using NodeSim.RomBootloader.Rfc2217;

namespace NodeFirmware.Bench.Flash;

/// <summary>
/// Runs esptool-js (tools/nodectl/esptool-js-check/script.mjs under node, ROM loader, no stub, the ROM's 0x400-byte
/// packets as esptool uses) against a simulated chip served over RFC 2217 and returns that chip's traffic
/// counters, or why it could not run.
/// </summary>
public static class EsptoolJsRun
{
    public sealed record Outcome(RomTrafficCounters? Traffic, string? Problem, long ElapsedMs);

    public static Outcome FlashOnce(byte[] image, uint offset)
    {
        string? folder = FindCheckFolder();
        if (folder is null)
        {
            return new Outcome(null, "tools/nodectl/esptool-js-check not found above the working directory", 0);
        }

        if (!Directory.Exists(Path.Combine(folder, "node_modules", "esptool-js")))
        {
            return new Outcome(null, $"esptool-js is not installed: run `npm ci` in {folder}", 0);
        }

        string temp = Directory.CreateTempSubdirectory("flash-bench-").FullName;
        try
        {
            string file = Path.Combine(temp, "app.bin");
            File.WriteAllBytes(file, image);
            using var server = new RomRfc2217Server();
            var start = new ProcessStartInfo("node")
            {
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var arg in new[] { "script.mjs", server.Url, "write", $"0x{offset:X}:{file}" })
            {
                start.ArgumentList.Add(arg);
            }

            var clock = Stopwatch.StartNew();
            Process process;
            try
            {
                process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                return new Outcome(null, $"node is not on PATH ({e.Message})", 0);
            }

            using (process)
            {
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
                {
                    process.Kill(entireProcessTree: true);
                    return new Outcome(null, "esptool-js did not finish within 5 minutes", clock.ElapsedMilliseconds);
                }

                if (process.ExitCode != 0)
                {
                    return new Outcome(null, $"esptool-js exited with {process.ExitCode}: {stderr.Result.Trim()}", clock.ElapsedMilliseconds);
                }

                string? problem = CheckReport(stdout.Result);
                if (problem is null && !server.Sim.Flash.Read(offset, image.Length).SequenceEqual(image))
                {
                    problem = "esptool-js finished but the simulated flash differs from the image";
                }

                return new Outcome(problem is null ? server.Sim.Traffic : null, problem, clock.ElapsedMilliseconds);
            }
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>The script's last JSON line reports each image; each must be written and its ROM MD5 equal the local one.</summary>
    private static string? CheckReport(string stdout)
    {
        try
        {
            using var report = JsonDocument.Parse(stdout.Split('\n').Last(line => line.StartsWith('{')));
            foreach (var image in report.RootElement.GetProperty("images").EnumerateArray())
            {
                if (!image.GetProperty("ok").GetBoolean())
                {
                    return $"esptool-js could not write the image: {image}";
                }

                if (image.GetProperty("md5Local").GetString() != image.GetProperty("md5Rom").GetString())
                {
                    return "esptool-js reports an MD5 mismatch";
                }
            }

            return null;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return $"esptool-js printed no usable report: {e.Message}";
        }
    }

    private static string? FindCheckFolder()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "tools", "nodectl", "esptool-js-check");
                if (File.Exists(Path.Combine(candidate, "script.mjs")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
