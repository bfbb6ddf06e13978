using System.Text.RegularExpressions;
using NodeFirmware.Bench.Tests.Support;

namespace NodeFirmware.Bench.Tests.Rollout;

/// <summary>`bench gate-judge` on a small cohort: a line per store, both ways of reading judged the same (it exits non-zero otherwise).</summary>
public class GateJudgementBenchTests
{
    [Fact]
    public void Gate_judge_prints_both_read_times_per_store_for_the_same_judgement()
    {
        string output = BenchProcess.Run("gate-judge", "--devices", "300", "--hours", "7", "--runs", "1");
        var lines = Regex.Matches(output,
            @"^RESULT gate-judge store=(?<s>\w+) devices=300 updated=30 samples=2400 per_device_query_ms=\d+ cohort_query_ms=\d+ speedup=[\d.]+ read_ms=\d+/\d+ outcome=(?<o>\w+)$",
            RegexOptions.Multiline);
        Assert.Equal(["sqlite", "postgres"], lines.Select(m => m.Groups["s"].Value));
        // Seven hours of hourly statuses: a drain trend (3 samples over 6 h) on both sides, the same build health: promote.
        Assert.All(lines, m => Assert.Equal("promote", m.Groups["o"].Value));
    }
}
