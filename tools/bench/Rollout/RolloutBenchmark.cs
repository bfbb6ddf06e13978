using System.Diagnostics;
using System.Globalization;
using NodeFirmware.Receiver.Ota.Gate;
using NodeFirmware.Receiver.Storage.Sqlite;

namespace NodeFirmware.Bench.Rollout;

/// <summary>
/// Health-gated rollout of the good build and the two bad ones (2× battery drain, a reboot every 3 h) over the
/// virtual fleet (<see cref="RolloutScenario"/>) in virtual time, its statuses written to and its vitals read
/// from a SQLite telemetry store: where each stopped, on which signal, after how much fleet time, and the wall time.
/// </summary>
public static class RolloutBenchmark
{
    public static int Run(string[] args) => RunAsync().GetAwaiter().GetResult();

    private static async Task<int> RunAsync()
    {
        var scenario = new RolloutScenario();
        string dir = Path.Combine(Path.GetTempPath(), "nf-bench-rollout-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            foreach (var build in RolloutScenario.StandardBuilds)
            {
                var watch = Stopwatch.StartNew();
                RolloutResult r;
                await using (var store = new SqliteTelemetryStore(Path.Combine(dir, build.Name + ".db")))
                {
                    await store.MigrateAsync();
                    r = await scenario.RunAsync(build, store);
                }
                string outcome = r.Outcome == RolloutStatus.Completed ? "completed" : r.Outcome == RolloutStatus.Halted ? "halted" : "running";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"RESULT rollout build={r.Build} outcome={outcome} stage={r.Stage} signal={r.Signal ?? "none"} updated={r.Updated}/{scenario.Devices} virtual_h={r.Elapsed.TotalHours:F1} wall_ms={watch.ElapsedMilliseconds}"));
                Console.WriteLine($"  {r.Detail}");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        return 0;
    }
}
