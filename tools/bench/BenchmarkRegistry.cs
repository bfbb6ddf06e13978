namespace NodeFirmware.Bench;

/// <summary>The benchmarks by name. Add one line per benchmark.</summary>
public static class BenchmarkRegistry
{
    public static SortedDictionary<string, Func<string[], int>> All() => new()
    {
        ["ingest"] = Ingest.IngestBenchmark.Run,
        ["ota"] = Ota.OtaBenchmark.Run,
        ["flash"] = Flash.FlashBenchmark.Run,
        ["energy"] = Energy.EnergyBenchmark.Run,
        ["wire"] = Wire.WireBenchmark.Run,
        ["nano"] = Nano.NanoBenchmark.Run,
        ["fleet"] = Fleet.FleetBenchmark.Run,
        ["fleet-cycle"] = Fleet.NodeCycleCost.Run,
        ["rollout"] = Rollout.RolloutBenchmark.Run,
        ["gate-judge"] = Rollout.GateJudgementBenchmark.Run,
    };
}
