namespace NodeFirmware.Bench.Ingest;

internal sealed record IngestBenchmarkOptions(int Readings, int PerMessage, int MessagesPerCommit, IReadOnlySet<string> Stores)
{
    public static IngestBenchmarkOptions? Parse(string[] args)
    {
        int readings = 60_000, perMessage = 15, perCommit = 64;
        var stores = new HashSet<string> { "sqlite", "postgres", "broker" };
        for (int i = 0; i < args.Length; i++)
        {
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            bool ok = args[i] switch
            {
                "--readings" => int.TryParse(value, out readings) && readings > 0,
                "--per-message" => int.TryParse(value, out perMessage) && perMessage is > 0 and <= 512,
                "--messages-per-commit" => int.TryParse(value, out perCommit) && perCommit > 0,
                "--stores" => value is not null && (stores = value.Split(',').ToHashSet()).All(s => s is "sqlite" or "postgres" or "broker"),
                _ => false,
            };
            if (!ok)
            {
                Console.Error.WriteLine($"ingest: bad option '{args[i]} {value}'\nusage: bench ingest [--readings N] [--per-message 1..512] [--messages-per-commit M] [--stores sqlite,postgres,broker]");
                return null;
            }
            i++;
        }
        return new IngestBenchmarkOptions(readings, perMessage, perCommit, stores);
    }
}
