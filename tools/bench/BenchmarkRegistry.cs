namespace NodeFirmware.Bench;

/// <summary>The benchmarks by name. Add one line per benchmark.</summary>
public static class BenchmarkRegistry
{
    public static SortedDictionary<string, Func<string[], int>> All() => new()
    {
        // ["wire"] = Wire.WireBenchmark.Run,
    };
}
