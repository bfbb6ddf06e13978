using System.Diagnostics;
using NodeFirmware.Core.NanoBench;
using NodeFirmware.HostCommon.Boards;

namespace NodeFirmware.Bench.Nano;

/// <summary>
/// What the device pays for Core: the .pe size against the board's app slot, and the cost of Core's costly
/// operations on nanoCLR (x64, interpreted) beside .NET, with an estimate for the ESP32. Runs CoreCosts on .NET
/// in-process and, when NANOCLR_HOME holds the toolchain (docs/nano-lane.md), as firmware/NodeFirmware.Core.NanoBench
/// on nanoCLR. Usage: bench nano [--board firebeetle-esp32] [--image-bytes N]
/// </summary>
public static class NanoBenchmark
{
    // The ESP32 runs the same interpreter, compiled for a 240 MHz Xtensa LX6 core: about 40 times slower than one
    // core of this x64 host (CoreMark: ~500 per ESP32 core, ~20,000 per x64 core of this class). Ed25519's field
    // arithmetic multiplies 64-bit longs, which a 32-bit core does in several instructions: twice that again (P-256's
    // 32 x 32 → 64-bit limb products and 64-bit carries likewise).
    // An estimate, to be replaced by a measurement on the serial rig.
    private const double Esp32Factor = 40;
    private const double Esp32FactorWide = 80;

    public static int Run(string[] args)
    {
        string boardName = Arg(args, "--board") ?? "firebeetle-esp32";
        var board = BoardCatalog.Default().Load(boardName);
        var profile = board.ToPowerProfile();

        var dotnet = Parse(CoreCosts.MeasureAll());
        var (nano, peSizes, why) = RunOnNanoClr();
        if (nano == null)
        {
            Console.WriteLine("RESULT nano skipped=\"" + why + "\"");
            foreach (var (op, us) in dotnet) Console.WriteLine($"RESULT nano_cost op={op} dotnet_ms={us / 1000.0:0.###}");
            return 0;
        }

        foreach (var (op, us) in nano)
        {
            double factor = op == "ed25519_verify" || op.StartsWith("p256", StringComparison.Ordinal) ? Esp32FactorWide : Esp32Factor;
            double d = dotnet.TryGetValue(op, out var dus) ? dus : double.NaN;
            Console.WriteLine($"RESULT nano_cost op={op} nanoclr_ms={us / 1000.0:0.###} dotnet_ms={d / 1000.0:0.###} " +
                              $"nanoclr_over_dotnet={us / d:0} esp32_estimate_ms={us * factor / 1000.0:0.#} esp32_factor={factor}");
        }

        long core = peSizes["NodeFirmware.Core.Nano"];
        Console.WriteLine($"RESULT nano_pe assembly=NodeFirmware.Core bytes={core}");
        foreach (string app in new[] { "Device", "Loader" })
        {
            long? size = AppPeSize(app);
            if (size == null) { Console.WriteLine($"RESULT nano_pe assembly=NodeFirmware.{app} skipped=\"did not build\""); continue; }
            // The application lives in an app slot; the Loader in the deployment area (bootloader-config/README.md).
            string budget = app == "Device" ? $" slot_budget_bytes={board.File.AppSizeBytes} headroom_bytes={board.File.AppSizeBytes - size}" : "";
            Console.WriteLine($"RESULT nano_pe assembly=NodeFirmware.{app} bytes={size} core_included=yes board={board.Name}{budget}");
        }

        // Verifying an image: one signature over the manifest, SHA-256 over every byte of the slot.
        long image = long.TryParse(Arg(args, "--image-bytes"), out var n) ? n : board.File.AppSizeBytes;
        double verifyMs = nano["ed25519_verify"] * Esp32FactorWide / 1000.0 + nano["sha256_64kib"] * Esp32Factor / 1000.0 * image / 65536.0;
        double crcMs = nano["crc32_64kib"] * Esp32Factor / 1000.0 * image / 65536.0;
        Console.WriteLine($"RESULT ota_verify board={board.Name} image_bytes={image} esp32_estimate_s={verifyMs / 1000:0.0} " +
                          $"mah={verifyMs * profile.BootMilliamps / 3_600_000:0.000} crc32_instead_s={crcMs / 1000:0.0}");

        // A report's CPU work in Core: encode the batch (15 readings at the reference profile) and one journal append per sample.
        double reportMs = (nano["telemetry_batch_60"] / 4.0 + 15 * nano["journal_append"]) * Esp32Factor / 1000.0;
        Console.WriteLine($"RESULT report_cpu board={board.Name} readings=15 esp32_estimate_ms={reportMs:0} " +
                          $"uah={reportMs * profile.SampleMilliamps / 3_600_000 * 1000:0.0} connect_uah={(profile.WifiConnectMilliseconds * profile.WifiConnectMilliamps + profile.TlsHandshakeMilliseconds * profile.TlsHandshakeMilliamps) / 3_600_000 * 1000:0}");
        return 0;
    }

    private static (Dictionary<string, double>? Costs, Dictionary<string, long> PeSizes, string Why) RunOnNanoClr()
    {
        string root = RepoLocator.FindRoot();
        string out_ = Path.Combine(Path.GetTempPath(), "nodefirmware-nanobench-" + Environment.ProcessId);
        try
        {
            var (status, peList, errors) = Exec("bash", [Path.Combine(root, "tools/scripts/nano-pe.sh"), "firmware/NodeFirmware.Core.NanoBench", out_], root, 600);
            if (status != 0) return (null, [], errors.Trim().Split('\n').Last());
            string[] pes = peList.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            string home = Environment.GetEnvironmentVariable("NANOCLR_HOME") is { Length: > 0 } h ? h : Path.Combine(Environment.GetEnvironmentVariable("HOME")!, ".cache/nanoclr");
            var (runStatus, output, _) = Exec("timeout", ["300", Path.Combine(home, "bin/nanoclr"), Path.Combine(home, "lib/mscorlib.pe"), .. pes], root, 320);
            var lines = output.Replace("\r", "").Split('\n');
            if (runStatus != 0 || !lines.Contains("nanobench done")) return (null, [], "nanoCLR did not finish the benchmark (status " + runStatus + ")");
            var sizes = pes.ToDictionary(p => Path.GetFileNameWithoutExtension(p), p => new FileInfo(p).Length);
            return (Parse(lines.Where(l => l.StartsWith("nanobench op=", StringComparison.Ordinal))), sizes, "");
        }
        finally
        {
            if (Directory.Exists(out_)) Directory.Delete(out_, true);
        }
    }

    /// <summary>The .pe size of the device application or the Loader (firmware/NodeFirmware.Core.NanoBench/Sizes), or null.</summary>
    private static long? AppPeSize(string app)
    {
        string root = RepoLocator.FindRoot();
        string out_ = Path.Combine(Path.GetTempPath(), "nodefirmware-size-" + app + "-" + Environment.ProcessId);
        try
        {
            var (status, peList, _) = Exec("bash", [Path.Combine(root, "tools/scripts/nano-pe.sh"), "firmware/NodeFirmware.Core.NanoBench/Sizes/AppSize.csproj", out_, "-p:App=" + app], root, 600);
            string? pe = peList.Split('\n').FirstOrDefault(p => p.EndsWith("/NodeFirmware." + app + ".pe", StringComparison.Ordinal));
            return status == 0 && pe != null ? new FileInfo(pe).Length : null;
        }
        finally
        {
            if (Directory.Exists(out_)) Directory.Delete(out_, true);
        }
    }

    private static Dictionary<string, double> Parse(IEnumerable<string> lines)
    {
        var costs = new Dictionary<string, double>();
        foreach (string line in lines)
        {
            var fields = line.Split(' ').Skip(1).Select(f => f.Split('=', 2)).ToDictionary(f => f[0], f => f[1]);
            if (fields.TryGetValue("ns_per_op", out var ns)) costs[fields["op"]] = double.Parse(ns) / 1000.0;
            else throw new InvalidOperationException("benchmark failed: " + line);
        }
        return costs;
    }

    private static (int Status, string Stdout, string Stderr) Exec(string file, string[] args, string dir, int timeoutSeconds)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutSeconds * 1000)) { p.Kill(true); return (-1, "", "timed out"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
