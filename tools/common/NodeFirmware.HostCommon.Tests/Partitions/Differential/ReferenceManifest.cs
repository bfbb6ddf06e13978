namespace NodeFirmware.HostCommon.Tests.Partitions.Differential;

/// <summary>
/// One committed comparison: a CSV (path from the repository root), the settings, and what gen_esp32part did with
/// it: "bin" (its binary is Reference/&lt;id&gt;.bin) or "refused:&lt;Kind&gt;"; what it did reading that binary back
/// ("csv:&lt;sha256 of its CSV text&gt;" or a refusal; "-" when there is no binary); and the same for one
/// <see cref="BinaryVariants"/> variant of the binary ("-" for none).
/// </summary>
internal sealed record ReferenceCase(string Id, string Csv, GenOptions Options, string CsvToBinary, string BinaryToCsv, string Variant, string VariantToCsv)
{
    public string BinaryPath => Path.Combine(ReferenceManifest.Directory, Id + ".bin");

    public string Line => string.Join('\t', Id, Csv, Options, CsvToBinary, BinaryToCsv, Variant, VariantToCsv);

    public static ReferenceCase Parse(string line)
    {
        string[] f = line.Split('\t');
        if (f.Length != 7) throw new FormatException($"reference manifest line has {f.Length} fields, expected 7: {line}");
        return new ReferenceCase(f[0], f[1], GenOptions.Parse(f[2]), f[3], f[4], f[5], f[6]);
    }
}

/// <summary>Reference/cases.tsv: the committed reference cases, one a line.</summary>
internal static class ReferenceManifest
{
    /// <summary>The seed of the committed random tables, and how many there are.</summary>
    public const int Seed = 1515;

    public const int RandomCount = 48;

    public static string Directory => RepoFiles.PathOf("tools", "common", "NodeFirmware.HostCommon.Tests", "Partitions", "Reference");

    public static string FilePath => Path.Combine(Directory, "cases.tsv");

    public const string Header = "# id\tcsv\toptions\tcsv-to-binary\tbinary-to-csv\tvariant\tvariant-to-csv";

    public static IReadOnlyList<ReferenceCase> Read() =>
        File.ReadAllLines(FilePath).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(ReferenceCase.Parse).ToList();

    /// <summary>The six tables of bootloader-config/, with the MD5 row and without, at their boards' flash sizes.</summary>
    public static IEnumerable<(string Id, string Csv, GenOptions Options)> BootloaderConfigTables()
    {
        foreach (string path in System.IO.Directory.GetFiles(RepoFiles.PathOf("bootloader-config"), "*.csv").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(path);
            int mb = name.Contains("16mb") ? 16 : name.Contains("8mb") ? 8 : 4;
            uint bootloader = name.Contains("esp32s3") ? 0x0u : 0x1000u;
            var options = new GenOptions(0x8000, bootloader, true, mb, null);
            yield return ($"bootloader-config/{name}", $"bootloader-config/{name}.csv", options);
            yield return ($"bootloader-config/{name}.no-md5", $"bootloader-config/{name}.csv", options with { Md5 = false });
        }
    }

    /// <summary>The committed generated tables: <see cref="RandomCount"/> random ones ("random/007"), then one for each fault ("faults/overlap").</summary>
    public static IEnumerable<GeneratedTable> GeneratedTables(int seed)
    {
        var generator = new RandomPartitionTables(seed);
        for (int i = 0; i < RandomCount; i++) yield return generator.Next($"random/{i:000}");
        foreach (string fault in RandomPartitionTables.Faults) yield return generator.NextWithFault($"faults/{fault}", fault);
    }

    /// <summary>The committed generated tables' CSV files live beside the manifest.</summary>
    public static string GeneratedCsvPath(string id) => $"tools/common/NodeFirmware.HostCommon.Tests/Partitions/Reference/{id}.csv";
}
