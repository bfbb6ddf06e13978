using System.Globalization;
using System.Text;
using NodeFirmware.HostCommon.Partitions;
using Xunit.Abstractions;

namespace NodeFirmware.HostCommon.Tests.Partitions.Differential;

/// <summary>Runs only where GEN_ESP32PART names ESP-IDF's gen_esp32part.py.</summary>
public sealed class GenEsp32PartFactAttribute : FactAttribute
{
    public GenEsp32PartFactAttribute()
    {
        if (GenEsp32PartProcess.ScriptPath is null)
            Skip = "GEN_ESP32PART is not set (path to ESP-IDF's gen_esp32part.py), so the live comparison with it does not run; the committed reference tables are still compared";
    }
}

/// <summary>
/// Ours against ESP-IDF's gen_esp32part.py, both directions, on the six tables of bootloader-config/ and on seeded
/// random tables: always against the reference results committed in Reference/ (produced by gen_esp32part, see its
/// README), and, when GEN_ESP32PART is set, against the script itself on fresh random tables.
/// </summary>
public class GenEsp32PartDifferentialTests
{
    private readonly ITestOutputHelper _output;

    public GenEsp32PartDifferentialTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Committed_reference_results_are_reproduced_byte_for_byte()
    {
        var cases = ReferenceManifest.Read();
        var ids = cases.Select(c => c.Id).ToHashSet();
        foreach (var (id, _, _) in ReferenceManifest.BootloaderConfigTables()) Assert.Contains(id, ids);
        Assert.Equal(ReferenceManifest.GeneratedTables(ReferenceManifest.Seed).Select(t => t.Id), cases.Select(c => c.Id).Where(id => !id.StartsWith("bootloader-config/", StringComparison.Ordinal)));

        var mismatches = new List<string>();
        var tally = new Tally();
        foreach (var c in cases)
        {
            byte[] csv = File.ReadAllBytes(RepoFiles.PathOf(c.Csv.Split('/')));
            var ours = OurConverter.Run(csv, c.Options);
            tally.Count(c.CsvToBinary);
            if (c.CsvToBinary == "bin")
            {
                byte[] expected = File.ReadAllBytes(c.BinaryPath);
                if (ours.Output == null) mismatches.Add($"{c.Id}: gen_esp32part wrote {c.Id}.bin, ours refused ({ours.Kind}): {ours.Detail}");
                else if (FirstDifference(expected, ours.Output) is string diff) mismatches.Add($"{c.Id}: binary differs from {c.Id}.bin {diff}");
            }
            else if (ours.Describe(binaryInput: false) != c.CsvToBinary)
            {
                mismatches.Add($"{c.Id}: gen_esp32part {c.CsvToBinary}, ours {ours.Describe(false)} ({ours.Detail})");
            }
            if (c.BinaryToCsv != "-")
            {
                byte[] bin = File.ReadAllBytes(c.BinaryPath);
                Expect(mismatches, $"{c.Id} read back", c.BinaryToCsv, OurConverter.Run(bin, c.Options));
                tally.Count(c.BinaryToCsv);
            }
            if (c.Variant != "-")
            {
                var (data, options) = BinaryVariants.Apply(c.Variant, File.ReadAllBytes(c.BinaryPath), c.Options)
                    ?? throw new InvalidOperationException($"{c.Id}: variant {c.Variant} no longer applies");
                Expect(mismatches, $"{c.Id} {c.Variant}", c.VariantToCsv, OurConverter.Run(data, options));
                tally.Count(c.VariantToCsv);
            }
        }
        _output.WriteLine($"{cases.Count} reference cases: {tally}");
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [GenEsp32PartFact]
    public void Live_gen_esp32part_agrees_on_the_committed_and_on_fresh_random_tables()
    {
        using var gen = new GenEsp32PartProcess(GenEsp32PartProcess.ScriptPath!);
        if (Environment.GetEnvironmentVariable("PARTITIONS_REFERENCE_WRITE") == "1") WriteReference(gen);

        var mismatches = new List<string>();
        foreach (var c in ReferenceManifest.Read())
        {
            var theirs = gen.Run(File.ReadAllBytes(RepoFiles.PathOf(c.Csv.Split('/'))), c.Options);
            if (theirs.Describe(false) != c.CsvToBinary)
                mismatches.Add($"{c.Id}: this gen_esp32part {theirs.Describe(false)} ({theirs.Detail.Trim()}), the committed reference says {c.CsvToBinary}");
            else if (theirs.Output != null && FirstDifference(File.ReadAllBytes(c.BinaryPath), theirs.Output) is string diff)
                mismatches.Add($"{c.Id}: this gen_esp32part's binary differs from the committed one {diff}");
        }

        var tally = new Tally();
        var seeds = Seeds();
        var tables = seeds.SelectMany(seed => ReferenceManifest.GeneratedTables(seed).Select((t, i) => (Table: t with { Id = $"seed {seed} {t.Id}" }, VariantStart: seed + i))).ToList();
        // One python process per table at a time, as many at once as there are cores.
        Parallel.ForEach(tables, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, t =>
        {
            using var worker = new GenEsp32PartProcess(GenEsp32PartProcess.ScriptPath!);
            CompareLive(worker, t.Table, t.VariantStart, mismatches, tally);
        });
        _output.WriteLine($"gen_esp32part ({GenEsp32PartProcess.ScriptPath}): {tables.Count} fresh tables from seeds {string.Join(",", seeds)}: {tally}");
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    private static void CompareLive(GenEsp32PartProcess gen, GeneratedTable table, int variantStart, List<string> mismatches, Tally tally)
    {
        var found = new List<string>();
        CompareOne(gen, table, variantStart, found, tally.Count);
        lock (mismatches) mismatches.AddRange(found);
    }

    /// <summary>CSV to binary, that binary back to CSV, and one variant of it, each by both tools.</summary>
    private static void CompareOne(GenEsp32PartProcess gen, GeneratedTable table, int variantStart, List<string> mismatches, Action<string> count)
    {
        string what = $"{table.Id} ({table.Options}; meant: {table.Fault ?? "valid"})";
        var theirs = gen.Run(table.Csv, table.Options);
        count(theirs.Describe(false));
        if (!Agree(theirs, OurConverter.Run(table.Csv, table.Options), out string why))
        {
            mismatches.Add($"{what}: CSV to binary: {why}\n--- CSV ---\n{Encoding.UTF8.GetString(table.Csv)}\n---");
            return;
        }
        if (theirs.Output == null) return;
        var back = gen.Run(theirs.Output, table.Options);
        count(back.Describe(true));
        if (!Agree(back, OurConverter.Run(theirs.Output, table.Options), out why))
            mismatches.Add($"{what}: binary to CSV: {why}\n--- CSV ---\n{Encoding.UTF8.GetString(table.Csv)}\n---");
        if (BinaryVariants.Choose(variantStart, theirs.Output, table.Options) is string variant)
        {
            var (data, options) = BinaryVariants.Apply(variant, theirs.Output, table.Options)!.Value;
            var theirsVariant = gen.Run(data, options);
            count(theirsVariant.Describe(true));
            if (!Agree(theirsVariant, OurConverter.Run(data, options), out why))
                mismatches.Add($"{what}: binary variant {variant} to CSV: {why}");
        }
    }

    /// <summary>Regenerates Reference/ (the committed seed and bootloader-config/) with this gen_esp32part.</summary>
    private void WriteReference(GenEsp32PartProcess gen)
    {
        foreach (string stale in new[] { "random", "faults" }.Select(d => Path.Combine(ReferenceManifest.Directory, d)).Where(Directory.Exists))
            Directory.Delete(stale, recursive: true);
        var lines = new List<string> { ReferenceManifest.Header };
        var inputs = ReferenceManifest.BootloaderConfigTables().Select(t => (t.Id, t.Csv, t.Options, Bytes: File.ReadAllBytes(RepoFiles.PathOf(t.Csv.Split('/'))))).ToList();
        foreach (var table in ReferenceManifest.GeneratedTables(ReferenceManifest.Seed))
        {
            string id = table.Id;
            string csvPath = ReferenceManifest.GeneratedCsvPath(id);
            Directory.CreateDirectory(Path.GetDirectoryName(RepoFiles.PathOf(csvPath.Split('/')))!);
            File.WriteAllBytes(RepoFiles.PathOf(csvPath.Split('/')), table.Csv);
            inputs.Add((id, csvPath, table.Options, table.Csv));
        }
        int n = 0;
        foreach (var (id, csv, options, bytes) in inputs)
        {
            string binPath = Path.Combine(ReferenceManifest.Directory, id + ".bin");
            Directory.CreateDirectory(Path.GetDirectoryName(binPath)!);
            File.Delete(binPath);
            var theirs = gen.Run(bytes, options);
            Assert.True(theirs.Output != null || theirs.Kind != null, $"{id}: gen_esp32part refusal not recognised:\n{theirs.Detail}");
            string toCsv = "-", variant = "-", variantToCsv = "-";
            if (theirs.Output != null)
            {
                File.WriteAllBytes(binPath, theirs.Output);
                toCsv = Recognised(id, gen.Run(theirs.Output, options)).Describe(true);
                if (!id.StartsWith("bootloader-config/", StringComparison.Ordinal) && BinaryVariants.Choose(ReferenceManifest.Seed + n, theirs.Output, options) is string v)
                {
                    var (data, variantOptions) = BinaryVariants.Apply(v, theirs.Output, options)!.Value;
                    variant = v;
                    variantToCsv = Recognised(id, gen.Run(data, variantOptions)).Describe(true);
                }
            }
            lines.Add(new ReferenceCase(id, csv, options, theirs.Describe(false), toCsv, variant, variantToCsv).Line);
            n++;
        }
        File.WriteAllLines(ReferenceManifest.FilePath, lines);
        _output.WriteLine($"wrote {ReferenceManifest.FilePath} ({inputs.Count} cases)");
    }

    private static Outcome Recognised(string id, Outcome outcome)
    {
        Assert.True(outcome.Output != null || outcome.Kind != null, $"{id}: gen_esp32part refusal not recognised:\n{outcome.Detail}");
        return outcome;
    }

    private static bool Agree(Outcome theirs, Outcome ours, out string why)
    {
        why = "";
        if (theirs.Output != null && ours.Output != null)
        {
            if (FirstDifference(theirs.Output, ours.Output) is not string diff) return true;
            why = $"outputs differ {diff}\n--- gen_esp32part ---\n{Printable(theirs.Output)}\n--- ours ---\n{Printable(ours.Output)}";
            return false;
        }
        if (theirs.Output == null && ours.Output == null && theirs.Kind != null && theirs.Kind == ours.Kind) return true;
        why = $"gen_esp32part: {(theirs.Output != null ? "accepted" : $"refused ({theirs.Kind?.ToString() ?? "unrecognised"})")}: {theirs.Detail.Trim()}\n"
            + $"ours: {(ours.Output != null ? "accepted" : $"refused ({ours.Kind})")}: {ours.Detail}";
        return false;
    }

    private static void Expect(List<string> mismatches, string what, string expected, Outcome ours)
    {
        if (ours.Describe(binaryInput: true) != expected)
            mismatches.Add($"{what}: gen_esp32part {expected}, ours {ours.Describe(true)}: {(ours.Output != null ? Printable(ours.Output) : ours.Detail)}");
    }

    private static string? FirstDifference(byte[] expected, byte[] actual)
    {
        int n = Math.Min(expected.Length, actual.Length);
        for (int i = 0; i < n; i++)
        {
            if (expected[i] != actual[i]) return $"at byte {i} (0x{i:x}): expected {expected[i]:x2}, got {actual[i]:x2}";
        }
        return expected.Length == actual.Length ? null : $"in length: expected {expected.Length}, got {actual.Length}";
    }

    private static string Printable(byte[] output) =>
        PartitionTableFile.IsBinary(output) || output.Length == PartitionBinary.TableLength ? Convert.ToHexStringLower(output.AsSpan(0, Math.Min(output.Length, 256))) + "..." : Encoding.UTF8.GetString(output);

    /// <summary>GEN_ESP32PART_SEEDS: "1-3" (the default) or "3,9,27".</summary>
    private static List<int> Seeds()
    {
        string text = Environment.GetEnvironmentVariable("GEN_ESP32PART_SEEDS") is { Length: > 0 } s ? s : "1-3";
        var seeds = new List<int>();
        foreach (string part in text.Split(','))
        {
            string[] range = part.Split('-');
            int from = int.Parse(range[0], CultureInfo.InvariantCulture), to = int.Parse(range[^1], CultureInfo.InvariantCulture);
            for (int seed = from; seed <= to; seed++) seeds.Add(seed);
        }
        return seeds;
    }

    /// <summary>How many conversions ended how, for the summary line.</summary>
    private sealed class Tally
    {
        private readonly SortedDictionary<string, int> _counts = new(StringComparer.Ordinal);

        public void Count(string described)
        {
            string key = described.StartsWith("csv:", StringComparison.Ordinal) ? "csv" : described;
            lock (_counts) _counts[key] = _counts.GetValueOrDefault(key) + 1;
        }

        public override string ToString()
        {
            lock (_counts) return string.Join(", ", _counts.Select(kv => $"{kv.Key} {kv.Value}"));
        }
    }
}
