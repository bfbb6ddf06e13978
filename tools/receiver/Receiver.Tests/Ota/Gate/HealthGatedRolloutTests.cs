using CsCheck;
using NodeFirmware.Bench.Rollout;
using NodeFirmware.Receiver.Ota;
using NodeFirmware.Receiver.Ota.Gate;
using NodeFirmware.Receiver.Storage.Sqlite;
using NodeFirmware.Receiver.Tests.Support;
using NodeFirmware.Receiver.Vitals;

namespace NodeFirmware.Receiver.Tests.Ota.Gate;

/// <summary>
/// Health-gated campaigns end to end in virtual time: the real <see cref="CampaignEngine"/> with the real SQLite campaign and
/// telemetry stores (one file, as the receiver keeps them) over the virtual fleet of <see cref="RolloutScenario"/>.
/// </summary>
public sealed class HealthGatedRolloutTests : IDisposable
{
    private static readonly RolloutScenario Scenario = new() { Board = OtaTestPackages.Board };
    private readonly TempDirectory _dir = new("nf-gate");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    /// <summary>The fleet's statuses go through the SQLite telemetry store, which the engine reads its vitals back from.</summary>
    private async Task<RolloutResult> Run(RolloutScenario scenario, FleetBuild build)
    {
        string db = _dir.File(build.Name + ".db");
        await using var store = new SqliteTelemetryStore(db);
        await using var campaigns = new SqliteCampaignStore(db);
        await store.MigrateAsync();
        await campaigns.MigrateAsync();
        var r = await scenario.RunAsync(build, store, campaigns, OtaTestPackages.Make("2.0.0"), OtaTestPackages.ReleasePublicKey);
        // What the engine reported is what it stored.
        var stored = (await campaigns.LoadAllAsync()).Single();
        Assert.Equal((r.Outcome, r.Stage - 1, r.Updated), (stored.State, stored.Gate!.Stage, stored.Gate.Updated));
        return r;
    }

    [Fact]
    public async Task A_good_build_reaches_every_device()
    {
        var r = await Run(Scenario, new FleetBuild("good"));
        Assert.Equal(CampaignState.Completed, r.Outcome);
        Assert.Equal(4, r.Stage);
        Assert.Equal(Scenario.Devices, r.Updated);
        Assert.Null(r.Signal);
    }

    [Fact]
    public async Task A_build_draining_twice_the_battery_halts_at_the_first_stage_naming_the_drain()
    {
        var r = await Run(Scenario, new FleetBuild("drain2x", DrainFactor: 2.0));
        Assert.Equal(CampaignState.Halted, r.Outcome);
        Assert.Equal(1, r.Stage);
        Assert.Equal(HealthGate.Drain, r.Signal);
        Assert.Equal(4, r.Updated); // 1 % of 400
        Assert.StartsWith($"stage 1 of 4 (1 %), board {OtaTestPackages.Board}: battery_drain: battery drain median ", r.Detail);
        Assert.Matches(@"median \d+(\.\d+)? mV/day vs \d+(\.\d+)? mV/day", r.Detail); // both values
    }

    [Fact]
    public async Task A_build_rebooting_every_few_hours_halts_at_the_first_stage_naming_the_crash_free_rate()
    {
        var r = await Run(Scenario, new FleetBuild("reboot3h", CrashEvery: TimeSpan.FromHours(3)));
        Assert.Equal(CampaignState.Halted, r.Outcome);
        Assert.Equal(1, r.Stage);
        Assert.Equal(HealthGate.CrashFree, r.Signal);
        Assert.Equal(4, r.Updated);
        Assert.Contains("crash-free rate 0 %", r.Detail);
    }

    [Fact]
    public async Task Too_few_updated_devices_wait_and_never_promote()
    {
        // 100 devices: 1 % is one device, fewer than the three needed, so stage 1 never judges healthy.
        var small = new RolloutScenario { Board = OtaTestPackages.Board, Devices = 100, GiveUpAfter = TimeSpan.FromDays(3) };
        var r = await Run(small, new FleetBuild("good"));
        Assert.Equal(CampaignState.Canary, r.Outcome);
        Assert.Equal(1, r.Stage);
        Assert.Equal(1, r.Updated);
        Assert.Contains("waiting: 1 updated and 99 not-updated devices", r.Detail);
    }

    [Fact]
    public async Task Offers_keep_to_the_rate_limit_and_the_stage()
    {
        var clock = new VirtualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var wire = new RecordingPublisher();
        await using var telemetry = new SqliteTelemetryStore(_dir.File("rate.db"));
        await telemetry.MigrateAsync();
        var engine = new CampaignEngine(new InMemoryCampaignStore(), wire, clock) { ReleasePublicKey = OtaTestPackages.ReleasePublicKey, Telemetry = telemetry };
        var fleet = Enumerable.Range(0, 100).Select(i => new CohortDevice($"d{i:D3}", OtaTestPackages.Board, "1.0.0", [])).ToList();
        var plan = new RolloutPlan([50, 100], TimeSpan.FromHours(1), 2, new HealthThresholds());
        var c = await engine.CreateAsync(new CampaignRequest { Package = OtaTestPackages.Make("2.0.0"), Gate = plan }, fleet);
        Assert.Equal(50, c.InWave(0).Count());
        Assert.Single(wire.Retained); // the stage's first device at once
        await engine.TickAsync();
        Assert.Single(wire.Retained);
        clock.Advance(TimeSpan.FromMinutes(10));
        await engine.TickAsync();
        Assert.Equal(21, wire.Retained.Count); // 1 + 2/min × 10 min
        clock.Advance(TimeSpan.FromHours(1));
        await engine.TickAsync();
        Assert.Equal(50, wire.Retained.Count); // capped by the stage's 50 devices
        var offered = (await engine.GetAsync(c.Id))!;
        Assert.All(offered.InWave(0), d => Assert.Equal(DeviceOtaState.Offered, d.State));
        Assert.All(offered.InWave(1), d => Assert.Equal(DeviceOtaState.Waiting, d.State));
        Assert.Equal(50, offered.Gate!.Offered);
    }

    [Fact]
    public async Task Each_board_is_compared_with_its_own_not_updated_devices_and_a_breach_on_one_board_names_it()
    {
        // Board "big-battery" drains 80 mV/day on either build, "firebeetle" 40; mixed together, updated big-battery devices
        // would look twice as bad as a firebeetle baseline. Per board, only firebeetle's drain doubling on the new build is a breach.
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var drains = new Dictionary<string, double>(StringComparer.Ordinal);
        var c = new Campaign
        {
            Id = "c1", Name = "per board", TargetVersion = "2.0.0", Cohort = new CohortFilter(), CanaryPercent = 10, SuccessThreshold = 0.9,
            Window = TimeSpan.FromDays(1), ChunkSize = 4096, CreatedAt = t0, Package = [],
            Gate = new GateState { Plan = new RolloutPlan([50, 100], TimeSpan.FromHours(12), 1, new HealthThresholds()), Boards = new(StringComparer.Ordinal) },
        };
        foreach (var (board, drain, newDrain) in new[] { ("big-battery", 80.0, 80.0), ("firebeetle", 40.0, 80.0) })
            for (int i = 0; i < 8; i++)
            {
                string id = $"{board}-{i}";
                bool updated = i < 4;
                c.Devices[id] = new CampaignDevice
                {
                    DeviceId = id, Wave = updated ? 0 : 1, State = updated ? DeviceOtaState.Succeeded : DeviceOtaState.Waiting, FinishedAt = updated ? t0 : null,
                };
                c.Gate.Boards[id] = board;
                drains[id] = updated ? newDrain : drain;
            }
        var now = t0.AddHours(12);
        var judgement = await GatedStages.JudgeAsync(c, c.Gate, (windows, to, limit) => Task.FromResult(Hourly(windows, drains, to, limit)), now);
        Assert.Equal((GateOutcome.Breach, "firebeetle", HealthGate.Drain), (judgement.Outcome, judgement.Board, judgement.Signal));
        Assert.Matches(@"^stage 1 of 2 \(50 %\), board firebeetle: battery_drain: battery drain median (79|80)(\.\d+)? mV/day vs (39|40)(\.\d+)? mV/day", judgement.Reason);
        var big = judgement.Boards.Single(b => b.Board == "big-battery");
        Assert.Equal(GateOutcome.Promote, big.Verdict.Outcome);
        Assert.Equal((4, 4), (big.Updated.Devices, big.Baseline.Devices));

        // The same build on big-battery alone is healthy: the stage promotes.
        foreach (var id in drains.Keys.Where(id => id.StartsWith("firebeetle", StringComparison.Ordinal)).ToList()) drains[id] = 40;
        var healthy = await GatedStages.JudgeAsync(c, c.Gate, (windows, to, limit) => Task.FromResult(Hourly(windows, drains, to, limit)), now);
        Assert.Equal(GateOutcome.Promote, healthy.Outcome);
        Assert.Equal(["big-battery", "firebeetle"], healthy.Boards.Select(b => b.Board));

        // A board whose devices sent more statuses than a judgement reads waits, judged on no partial data: 8 devices × 13 hourly
        // statuses (t0 to t0 + 12 h, both included) are 104 for each board.
        var capped = await GatedStages.JudgeAsync(c, c.Gate, (windows, to, limit) => Task.FromResult(Hourly(windows, drains, to, limit)), now, maxSamples: 103);
        Assert.Equal(GateOutcome.Wait, capped.Outcome);
        Assert.All(capped.Boards, b => Assert.Contains("more than 103 statuses", b.Verdict.Detail));
        Assert.Equal(GateOutcome.Promote,
            (await GatedStages.JudgeAsync(c, c.Gate, (windows, to, limit) => Task.FromResult(Hourly(windows, drains, to, limit)), now, maxSamples: 104)).Outcome);
    }

    /// <summary>The cohort query: each window's device's hourly vitals in [its from, to), at most <paramref name="limit"/> in all.</summary>
    private static IReadOnlyList<VitalsSample> Hourly(IReadOnlyList<VitalsWindow> windows, Dictionary<string, double> drains, long toMs, int limit) =>
        windows.SelectMany(w => Hourly(w.DeviceId, drains[w.DeviceId], w.FromMs, toMs)).Take(limit).ToList();

    /// <summary>A healthy device's hourly vitals in [from, to) with its battery falling <paramref name="drain"/> mV/day.</summary>
    private static IReadOnlyList<VitalsSample> Hourly(string id, double drain, long fromMs, long toMs)
    {
        var list = new List<VitalsSample>();
        long start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        for (long at = start; at < toMs; at += 3_600_000)
            if (at >= fromMs)
                list.Add(new VitalsSample(id, at, "2.0.0", "sleeping", (int)Math.Round(4100 - drain * (at - start) / 86_400_000.0), 1, 0, 0, 0,
                    (at - start) / 1000, (at - start) / 43_200_000, null, new NodeFirmware.Receiver.Decoding.WakeToPublish(1800, null, null, null, null, null)));
        return list;
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
    public void Random_gate_bodies_become_a_valid_plan_or_are_refused_with_an_argument_exception()
    {
        // Any exception but ArgumentException (an overflow, a bad index) would reach the API as a 500 instead of a 400.
        Gen.Select(Gen.Double.Array[0, 12], Gen.Long, Gen.Double, Gen.Double, Gen.Int, Gen.Bool).Sample((stages, dwell, rate, ratio, min, some) =>
        {
            var body = some ? new GateBody(stages, dwell, rate, ratio, ratio, ratio, ratio, ratio, min) : new GateBody(stages);
            if (body.Problem() is not null) return;
            try
            {
                var plan = body.ToPlan();
                plan.Validate();
                Assert.True(plan.StageSize(1000, plan.StagePercents.Count - 1) == 1000);
            }
            catch (ArgumentException) { }
        });
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
