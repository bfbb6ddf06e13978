using System.Diagnostics;
using System.Globalization;
using NodeFirmware.Bench.Ota;
using NodeFirmware.Receiver.Ota;
using NodeFirmware.Receiver.Storage.Sqlite;

namespace NodeFirmware.Bench.Rollout;

/// <summary>
/// Health-gated campaigns of the good build and the two bad ones (2× battery drain, a reboot every 3 h), run by the
/// receiver's campaign engine over the virtual fleet (<see cref="RolloutScenario"/>) in virtual time, the campaign and the
/// fleet's statuses in one SQLite file as the receiver keeps them: where each stopped, on which signal, after how much
/// fleet time, and the wall time.
/// </summary>
public static class RolloutBenchmark
{
    public static int Run(string[] args) => RunAsync().GetAwaiter().GetResult();

    private static async Task<int> RunAsync()
    {
        var scenario = new RolloutScenario { Board = UpdateOverLink.Packages.Board };
        using var packages = new UpdateOverLink.Packages();
        byte[] package = packages.Make("2.0.0", 64 * 1024);
        string dir = Path.Combine(Path.GetTempPath(), "nf-bench-rollout-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            foreach (var build in RolloutScenario.StandardBuilds)
            {
                var watch = Stopwatch.StartNew();
                RolloutResult r;
                string db = Path.Combine(dir, build.Name + ".db");
                await using (var store = new SqliteTelemetryStore(db))
                await using (var campaigns = new SqliteCampaignStore(db))
                {
                    await store.MigrateAsync();
                    await campaigns.MigrateAsync();
                    r = await scenario.RunAsync(build, store, campaigns, package, packages.PublicKey);
                }
                string outcome = r.Outcome switch { CampaignState.Completed => "completed", CampaignState.Halted => "halted", _ => "running" };
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"RESULT rollout build={r.Build} outcome={outcome} stage={r.Stage} signal={r.Signal ?? "none"} updated={r.Updated}/{scenario.Devices} virtual_h={r.Elapsed.TotalHours:F1} wall_ms={watch.ElapsedMilliseconds}"));
                Console.WriteLine($"  {r.Detail}");
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
        return 0;
    }
}
