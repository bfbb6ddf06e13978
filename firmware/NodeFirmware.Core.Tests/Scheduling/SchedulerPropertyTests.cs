using CsCheck;
using NodeFirmware.Core.Config;
using NodeFirmware.Core.Scheduling;

namespace NodeFirmware.Core.Tests.Scheduling;

/// <summary>Invariants of the power policy over random situations.</summary>
public class SchedulerPropertyTests
{
    private const string Seed = "0N0XIzNsQ0O2";

    private static readonly Gen<DeviceConfig> Configs =
        from sample in Gen.Int[1, 3600]
        from reportFactor in Gen.Int[1, 60]
        from batch in Gen.Int[1, 512]
        from low in Gen.Int[3000, 4200]
        from critGap in Gen.Int[0, 400]
        from factor in Gen.Int[1, 16]
        from light in Gen.Int[0, 30]
        select new DeviceConfig
        {
            SampleIntervalSeconds = sample,
            ReportIntervalSeconds = sample * reportFactor,
            MaxBatchReadings = batch,
            LowBatteryMillivolts = low,
            CriticalBatteryMillivolts = low - critGap,
            LowBatteryIntervalFactor = factor,
            LightSleepBelowSeconds = light,
        };

    private static readonly Gen<SchedulerInput> Inputs =
        from config in Configs
        from now in Gen.Long[1_700_000_000, 1_800_000_000]
        from battery in Gen.Int[-1, 4300]
        from capacity in Gen.Int[16, 4096]
        from pendingShare in Gen.Double[0, 1]
        from sinceSample in Gen.Long[-1, 10 * 86400]
        from oldestAge in Gen.Long[0, 10 * 86400]
        from backoff in Gen.Long[-3600, 3600]
        from failed in Gen.Bool
        select new SchedulerInput
        {
            Now = now,
            Config = config,
            BatteryMillivolts = battery,
            Capacity = capacity,
            Pending = (int)(capacity * pendingShare),
            LastSampleTime = sinceSample < 0 ? 0 : now - sinceSample,
            OldestPendingTime = now - oldestAge,
            NextLinkAttemptTime = backoff <= 0 ? 0 : now + backoff,
            LinkFailedThisWake = failed,
        };

    [Fact]
    public void A_due_sample_is_always_taken_first()
    {
        Inputs.Sample(input =>
        {
            var d = Scheduler.Decide(input);
            long interval = Scheduler.SampleInterval(input.Config, d.Mode);
            bool due = input.LastSampleTime == 0 || input.Now - input.LastSampleTime >= interval;
            Assert.Equal(due, d.Action == NodeAction.Sample);
        }, seed: Seed);
    }

    [Fact]
    public void Sleep_is_positive_and_never_oversleeps_the_next_sample()
    {
        Inputs.Sample(input =>
        {
            var d = Scheduler.Decide(input);
            if (d.Action != NodeAction.Sleep) return;
            Assert.True(d.SleepSeconds >= 1);
            Assert.True(input.Now + d.SleepSeconds <= input.LastSampleTime + Scheduler.SampleInterval(input.Config, d.Mode));
            Assert.Equal(d.SleepSeconds >= input.Config.LightSleepBelowSeconds, d.Deep);
        }, seed: Seed);
    }

    [Fact]
    public void No_flush_during_back_off_after_a_failure_in_this_wake_or_on_a_critical_battery()
    {
        Inputs.Sample(input =>
        {
            var d = Scheduler.Decide(input);
            if (d.Action != NodeAction.Flush) return;
            Assert.True(input.Pending > 0);
            Assert.True(input.NextLinkAttemptTime <= input.Now);
            Assert.False(input.LinkFailedThisWake);
            Assert.NotEqual(PowerMode.Critical, d.Mode);
        }, seed: Seed);
    }

    [Fact]
    public void A_journal_three_quarters_full_is_flushed_when_the_link_may_be_tried()
    {
        Inputs.Select(i => { i.LastSampleTime = i.Now - 1; i.Pending = (i.Capacity * 3 + 3) / 4; i.NextLinkAttemptTime = 0; i.LinkFailedThisWake = false; i.BatteryMillivolts = -1; i.Config.SampleIntervalSeconds = Math.Max(2, i.Config.SampleIntervalSeconds); return i; })
            .Sample(input => Assert.Equal(NodeAction.Flush, Scheduler.Decide(input).Action), seed: Seed);
    }

    [Fact]
    public void A_weaker_battery_never_shortens_the_intervals()
    {
        Gen.Select(Configs, Gen.Int[2500, 4300], Gen.Int[2500, 4300]).Sample((config, a, b) =>
        {
            int weaker = Math.Min(a, b), stronger = Math.Max(a, b);
            var weakMode = Scheduler.ModeFor(weaker, config);
            var strongMode = Scheduler.ModeFor(stronger, config);
            Assert.True(weakMode >= strongMode);
            Assert.True(Scheduler.SampleInterval(config, weakMode) >= Scheduler.SampleInterval(config, strongMode));
            Assert.True(Scheduler.ReportInterval(config, weakMode) >= Scheduler.ReportInterval(config, strongMode));
        }, seed: Seed);
    }

    [Fact]
    public void The_modes_switch_at_the_configured_thresholds()
    {
        var c = new DeviceConfig { LowBatteryMillivolts = 3500, CriticalBatteryMillivolts = 3300 };
        Assert.Equal(PowerMode.Normal, Scheduler.ModeFor(3501, c));
        Assert.Equal(PowerMode.Low, Scheduler.ModeFor(3500, c));
        Assert.Equal(PowerMode.Low, Scheduler.ModeFor(3301, c));
        Assert.Equal(PowerMode.Critical, Scheduler.ModeFor(3300, c));
        Assert.Equal(PowerMode.Normal, Scheduler.ModeFor(-1, c));
    }
}
