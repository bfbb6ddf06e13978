using System.Diagnostics;
using NodeSim.RomBootloader.Rfc2217;

namespace NodeFirmware.Bench.Flash;

/// <summary>
/// Espressif's Python esptool (v4, the script the ESPTOOL environment variable names; never part of this
/// repository) flashing a served simulated ESP32 whose UART is paced at the baud rate: its default reset, the ROM
/// loader (--no-stub), flash size read from the chip (--flash_size keep), CHANGE_BAUDRATE to --baud, level-9
/// compressed write in the ROM's 1 KiB packets and the MD5 check write_flash always ends with; no reset afterwards.
/// --compress is given because esptool 4 writes uncompressed by default when --no-stub is set (cmds.py write_flash).
/// </summary>
public static class EsptoolPyRun
{
    private const string Python = "/usr/bin/python3";

    /// <summary>The esptool.py ESPTOOL names, or why there is none.</summary>
    public static (string? Script, string? Problem) Find()
    {
        string? path = Environment.GetEnvironmentVariable("ESPTOOL");
        if (string.IsNullOrWhiteSpace(path))
        {
            return (null, "ESPTOOL is not set; set it to the path of Espressif's esptool.py (v4), e.g. ESPTOOL=/root/.cache/esptool/esptool.py");
        }

        if (!File.Exists(path))
        {
            return (null, $"ESPTOOL names {path}, which does not exist; set it to the path of Espressif's esptool.py (v4)");
        }

        return File.Exists(Python) ? (path, null) : (null, $"{Python} is not installed; esptool.py needs it (with Debian's python3-serial)");
    }

    public static PacedFlashOutcome FlashOnce(string script, byte[] image, uint offset, int baud)
    {
        string temp = Directory.CreateTempSubdirectory("esptool-bench-").FullName;
        try
        {
            string file = Path.Combine(temp, "app.bin");
            File.WriteAllBytes(file, image);
            using var server = new RomRfc2217Server(options: new RomRfc2217ServerOptions { PaceAtBaudRate = true });
            var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = temp };
            foreach (string arg in new[]
            {
                script, "--chip", "esp32", "--port", server.Url, "--baud", $"{baud}", "--before", "default_reset", "--after", "no_reset",
                "--no-stub", "write_flash", "--compress", "--flash_size", "keep", $"0x{offset:X}", file,
            })
            {
                start.ArgumentList.Add(arg);
            }

            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"{Python} did not start");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                process.Kill(entireProcessTree: true);
                return new PacedFlashOutcome(null, "esptool did not finish within 5 minutes");
            }

            clock.Stop();
            string output = stdout.Result + stderr.Result;
            if (process.ExitCode != 0)
            {
                return new PacedFlashOutcome(null, $"esptool exited with {process.ExitCode}: {LastLine(output)}");
            }

            if (!output.Contains("Hash of data verified.", StringComparison.Ordinal))
            {
                return new PacedFlashOutcome(null, $"esptool did not report its MD5 check: {LastLine(output)}");
            }

            if (!server.Sim.Flash.Read(offset, image.Length).SequenceEqual(image))
            {
                return new PacedFlashOutcome(null, "esptool finished but the simulated flash differs from the image");
            }

            return server.Activity.Window is { } window
                ? new PacedFlashOutcome(new PacedFlashSession(server.Sim.Traffic, window, clock.Elapsed), null)
                : new PacedFlashOutcome(null, "the chip's UART saw no conversation after its reset");
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    private static string LastLine(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(no output)";
}
