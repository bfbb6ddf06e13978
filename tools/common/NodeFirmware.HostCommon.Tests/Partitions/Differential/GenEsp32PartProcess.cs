using System.Diagnostics;
using NodeFirmware.HostCommon.Partitions;

namespace NodeFirmware.HostCommon.Tests.Partitions.Differential;

/// <summary>
/// Runs ESP-IDF's gen_esp32part.py (named by GEN_ESP32PART; interpreter PYTHON, default python3) on one input and
/// sorts its refusals into <see cref="PartitionRefusal"/> kinds by its messages.
/// </summary>
internal sealed class GenEsp32PartProcess : IDisposable
{
    public static string? ScriptPath => Environment.GetEnvironmentVariable("GEN_ESP32PART") is { Length: > 0 } p ? p : null;

    private readonly string _script;
    private readonly string _python = Environment.GetEnvironmentVariable("PYTHON") is { Length: > 0 } p ? p : "python3";
    private readonly string _dir = Directory.CreateTempSubdirectory("gen-esp32part-").FullName;

    public GenEsp32PartProcess(string script) => _script = script;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public Outcome Run(byte[] input, GenOptions options)
    {
        string inPath = Path.Combine(_dir, "in"), outPath = Path.Combine(_dir, "out");
        File.WriteAllBytes(inPath, input);
        File.Delete(outPath);
        var start = new ProcessStartInfo(_python) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(_script);
        foreach (string a in options.Arguments()) start.ArgumentList.Add(a);
        start.ArgumentList.Add(inPath);
        start.ArgumentList.Add(outPath);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            throw new TimeoutException($"{_script} did not finish in 60 s");
        }
        string error = stderr.Result;
        if (process.ExitCode == 0) return new Outcome(File.ReadAllBytes(outPath), null, error);
        return new Outcome(null, Classify(error), error);
    }

    /// <summary>
    /// gen_esp32part's refusal, by the words of its message (or the Python error it stops with); null when unknown.
    /// Only the last lines count (the message, or the end of a traceback): before them it may print warnings and
    /// the offending rows as CSV, whose names could contain any of these words.
    /// </summary>
    public static PartitionRefusal? Classify(string stderr)
    {
        string tail = string.Join("\n", stderr.Split('\n').Where(l => l.Trim().Length > 0 && !l.StartsWith("WARNING", StringComparison.Ordinal)).TakeLast(4));
        var rules = new (string Words, PartitionRefusal Kind)[]
        {
            ("partition table occupies", PartitionRefusal.BelowTable),
            ("Previous partition ends", PartitionRefusal.Overlap),
            ("bootloader offset is not defined", PartitionRefusal.BootLayout),
            ("bootloader must be below partition table", PartitionRefusal.BootLayout),
            ("unknown variable", PartitionRefusal.Syntax),
            ("Error at line", PartitionRefusal.Syntax),
            ("invalid: Offset", PartitionRefusal.OffsetAlignment),
            ("invalid: Size", PartitionRefusal.SizeAlignment),
            ("always read-write", PartitionRefusal.ReadOnlyNotAllowed),
            ("must be flagged as 'readonly'", PartitionRefusal.NvsNeedsReadOnly),
            ("names must be unique", PartitionRefusal.DuplicateName),
            ("is below", PartitionRefusal.BelowTable),
            (" overlaps ", PartitionRefusal.Overlap),
            ("otadata", PartitionRefusal.OtaData),
            ("does not fit in configured flash size", PartitionRefusal.DoesNotFitFlash),
            ("longer than max", PartitionRefusal.TooManyEntries),
            ("multiple of 32 bytes", PartitionRefusal.BadLength),
            ("end-of-table marker", PartitionRefusal.NoEndMarker),
            ("MD5 checksums don't match", PartitionRefusal.Md5Mismatch),
            ("Invalid magic bytes", PartitionRefusal.BadMagic),
            ("struct.error", PartitionRefusal.OutOfRange),
            ("res.name.decode", PartitionRefusal.LabelNotUtf8),
            ("UnicodeDecodeError", PartitionRefusal.Encoding),
        };
        foreach (var (words, kind) in rules)
        {
            if (tail.Contains(words, StringComparison.Ordinal)) return kind;
        }
        return null;
    }
}
