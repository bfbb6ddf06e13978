using CsCheck;
using NodeFirmware.Core.Scheduling;

namespace NodeFirmware.Core.Tests.Scheduling;

public class BackoffTests
{
    [Fact]
    public void The_delay_doubles_up_to_the_cap_and_lands_in_the_upper_half()
    {
        Gen.Select(Gen.UInt[1, 40], Gen.Int[1, 600], Gen.Int[0, 100_000], Gen.Int).Sample((failures, baseSeconds, extra, seed) =>
        {
            int max = baseSeconds + extra;
            long nominal = Math.Min((long)baseSeconds << (int)Math.Min(failures - 1, 40), max);
            long delay = Backoff.DelaySeconds(failures, baseSeconds, max, new Random(seed));
            Assert.InRange(delay, nominal - nominal / 2, nominal);
        }, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void No_failure_means_no_wait_and_jitter_spreads_a_fleet()
    {
        Assert.Equal(0, Backoff.DelaySeconds(0, 30, 3600, new Random(1)));
        var random = new Random(7);
        var delays = Enumerable.Range(0, 1000).Select(_ => Backoff.DelaySeconds(8, 30, 3600, random)).ToArray();
        Assert.True(delays.Distinct().Count() > 500, "a thousand nodes failing together must not retry together");
    }
}
