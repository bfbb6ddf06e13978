using System.Text.RegularExpressions;
using NodeFirmware.Bench.Tests.Support;

namespace NodeFirmware.Bench.Tests.Rollout;

/// <summary>`bench rollout`'s lines, which other checks read: one per build, the bad builds halted at stage 1 on their signal.</summary>
public class RolloutBenchTests
{
    [Fact]
    public void Rollout_prints_one_line_per_build_with_outcome_stage_and_signal()
    {
        string output = BenchProcess.Run("rollout");
        var lines = Regex.Matches(output, @"^RESULT rollout build=(?<b>\S+) outcome=(?<o>halted|completed) stage=(?<k>\d+) signal=(?<s>\S+) ", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups["b"].Value, m => (m.Groups["o"].Value, int.Parse(m.Groups["k"].Value), m.Groups["s"].Value));
        Assert.Equal(("completed", 4, "none"), lines["good"]);
        Assert.Equal(("halted", 1, "battery_drain"), lines["drain2x"]);
        Assert.Equal(("halted", 1, "crash_free_rate"), lines["reboot3h"]);
        Assert.Equal(3, lines.Count);
    }
}
