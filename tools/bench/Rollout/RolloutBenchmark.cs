using System.Diagnostics;
using System.Globalization;
using NodeFirmware.Receiver.Ota.Gate;

namespace NodeFirmware.Bench.Rollout;

/// <summary>
/// Health-gated rollout of the good build and the two bad ones (2× battery drain, a reboot every 3 h) over the
/// receiver's virtual fleet (<see cref="RolloutScenario"/>), in virtual time: where each stopped, on which signal,
/// after how much fleet time, and the wall time it took.
/// </summary>
public static class RolloutBenchmark
{
    public static int Run(string[] args)
    {
        var scenario = new RolloutScenario();
        foreach (var build in RolloutScenario.StandardBuilds)
        {
            var watch = Stopwatch.StartNew();
            var r = scenario.Run(build);
            string outcome = r.Outcome == RolloutStatus.Completed ? "completed" : r.Outcome == RolloutStatus.Halted ? "halted" : "running";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT rollout build={r.Build} outcome={outcome} stage={r.Stage} signal={r.Signal ?? "none"} updated={r.Updated}/{scenario.Devices} virtual_h={r.Elapsed.TotalHours:F1} wall_ms={watch.ElapsedMilliseconds}"));
            Console.WriteLine($"  {r.Detail}");
        }
        return 0;
    }
}
