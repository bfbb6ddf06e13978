using NodeFirmware.Bench.Rollout;
using NodeFirmware.Receiver.Ota.Gate;
using NodeFirmware.Receiver.Storage.Sqlite;
using NodeFirmware.Receiver.Tests.Support;
using NodeFirmware.Receiver.Vitals;

namespace NodeFirmware.Receiver.Tests.Ota.Gate;

public sealed class HealthGatedRolloutTests : IDisposable
{
    private static readonly RolloutScenario Scenario = new();
    private readonly TempDirectory _dir = new("nf-gate");

    public void Dispose() => _dir.Dispose();

    /// <summary>The fleet's statuses go through the SQLite telemetry store, which the gate reads its vitals back from.</summary>
    private async Task<RolloutResult> Run(RolloutScenario scenario, FleetBuild build)
    {
        await using var store = new SqliteTelemetryStore(_dir.File(build.Name + ".db"));
        await store.MigrateAsync();
        return await scenario.RunAsync(build, store);
    }

    [Fact]
    public async Task A_good_build_reaches_every_device()
    {
        var r = await Run(Scenario, new FleetBuild("good"));
        Assert.Equal(RolloutStatus.Completed, r.Outcome);
        Assert.Equal(4, r.Stage);
        Assert.Equal(Scenario.Devices, r.Updated);
        Assert.Null(r.Signal);
    }

    [Fact]
    public async Task A_build_draining_twice_the_battery_halts_at_the_first_stage_naming_the_drain()
    {
        var r = await Run(Scenario, new FleetBuild("drain2x", DrainFactor: 2.0));
        Assert.Equal(RolloutStatus.Halted, r.Outcome);
        Assert.Equal(1, r.Stage);
        Assert.Equal(HealthGate.Drain, r.Signal);
        Assert.Equal(4, r.Updated); // 1 % of 400
        Assert.Contains("mV/day", r.Detail);
    }

    [Fact]
    public async Task A_build_rebooting_every_few_hours_halts_at_the_first_stage_naming_the_crash_free_rate()
    {
        var r = await Run(Scenario, new FleetBuild("reboot3h", CrashEvery: TimeSpan.FromHours(3)));
        Assert.Equal(RolloutStatus.Halted, r.Outcome);
        Assert.Equal(1, r.Stage);
        Assert.Equal(HealthGate.CrashFree, r.Signal);
        Assert.Contains("crash-free rate 0 %", r.Detail);
    }

    [Fact]
    public async Task Too_few_updated_devices_wait_and_never_promote()
    {
        // 100 devices: 1 % is one device, fewer than the three needed, so stage 1 never judges healthy.
        var small = new RolloutScenario { Devices = 100, GiveUpAfter = TimeSpan.FromDays(3) };
        var r = await Run(small, new FleetBuild("good"));
        Assert.Equal(RolloutStatus.Running, r.Outcome);
        Assert.Equal(1, r.Stage);
        Assert.Equal(1, r.Updated);
        Assert.StartsWith("waiting:", r.Detail);
    }

    [Fact]
    public void Offers_keep_to_the_rate_limit()
    {
        var clock = new VirtualClock(DateTimeOffset.UnixEpoch);
        var plan = new RolloutPlan([50, 100], TimeSpan.FromHours(1), 2, new HealthThresholds());
        var rollout = new StagedRollout(plan, Enumerable.Range(0, 100).Select(i => $"d{i}").ToList(), clock);
        Assert.Single(rollout.OffersDue());
        Assert.Empty(rollout.OffersDue());
        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(20, rollout.OffersDue().Count); // 1 + 2/min × 10 min
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(29, rollout.OffersDue().Count); // capped by the stage's 50 devices
    }

    private static CohortHealth Health(int devices, double crashFree = 1, double reconnects = 2, double w2p = 1800, double drain = 40, int? drainDevices = null) =>
        new(devices, crashFree, reconnects, w2p, drain, drainDevices ?? devices);

    [Fact]
    public void Each_signal_breaches_only_beyond_its_threshold()
    {
        var t = new HealthThresholds();
        var baseline = Health(10);
        Assert.Equal(GateOutcome.Promote, HealthGate.Judge(Health(5, crashFree: 0.96, reconnects: 4, w2p: 2200, drain: 51), baseline, t).Outcome);
        Assert.Equal(HealthGate.CrashFree, HealthGate.Judge(Health(5, crashFree: 0.8), baseline, t).Signal);
        Assert.Equal(HealthGate.Reconnects, HealthGate.Judge(Health(5, reconnects: 4.5), baseline, t).Signal);
        Assert.Equal(HealthGate.WakeToPublish, HealthGate.Judge(Health(5, w2p: 2300), baseline, t).Signal);
        var drain = HealthGate.Judge(Health(5, drain: 80), baseline, t);
        Assert.Equal((GateOutcome.Breach, HealthGate.Drain, 80.0, 40.0), (drain.Outcome, drain.Signal, drain.Updated, drain.Baseline));
        Assert.Contains("+100 %", drain.Detail);
    }

    [Fact]
    public void Too_few_devices_or_drain_trends_on_either_side_wait()
    {
        var t = new HealthThresholds(MinDevices: 3);
        Assert.Equal(GateOutcome.Wait, HealthGate.Judge(Health(2), Health(10), t).Outcome);
        Assert.Equal(GateOutcome.Wait, HealthGate.Judge(Health(5), Health(2), t).Outcome);
        var noTrend = HealthGate.Judge(Health(5, drainDevices: 1), Health(10), t);
        Assert.Equal((GateOutcome.Wait, HealthGate.Drain), (noTrend.Outcome, noTrend.Signal));
        // A crash breach is not hidden by missing drain trends.
        Assert.Equal(GateOutcome.Breach, HealthGate.Judge(Health(5, crashFree: 0, drainDevices: 0), Health(10), t).Outcome);
    }

    [Theory]
    [InlineData(new double[] { }, "stages must list")]
    [InlineData(new double[] { 10, 5, 100 }, "stages must grow")]
    [InlineData(new double[] { 1, 50 }, "last stage must be 100")]
    [InlineData(new double[] { 0, 100 }, "each stage must be in")]
    [InlineData(new double[] { double.NaN, 100 }, "each stage must be in")]
    public void Bad_stage_lists_are_refused(double[] stages, string why)
    {
        var e = Assert.Throws<ArgumentException>(() => new RolloutPlan(stages, TimeSpan.FromHours(1), 1, new HealthThresholds()).Validate());
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void Bad_dwell_rate_and_thresholds_are_refused()
    {
        var ok = new RolloutPlan(RolloutPlan.DefaultStages, TimeSpan.FromHours(1), 1, new HealthThresholds());
        ok.Validate();
        Assert.Throws<ArgumentException>(() => (ok with { Dwell = TimeSpan.Zero }).Validate());
        Assert.Throws<ArgumentException>(() => (ok with { DevicesPerMinute = 0 }).Validate());
        Assert.Throws<ArgumentException>(() => (ok with { DevicesPerMinute = double.PositiveInfinity }).Validate());
        Assert.Throws<ArgumentException>(() => (ok with { Thresholds = new HealthThresholds(DrainRatio: 0.5) }).Validate());
        Assert.Throws<ArgumentException>(() => (ok with { Thresholds = new HealthThresholds(MinDevices: 0) }).Validate());
    }
}
