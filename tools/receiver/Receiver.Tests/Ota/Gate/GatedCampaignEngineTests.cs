using NodeFirmware.Receiver.Ota;
using NodeFirmware.Receiver.Ota.Gate;
using NodeFirmware.Receiver.Storage.Sqlite;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Ota.Gate;

/// <summary>The campaign engine's gated stages around the judgement: failures, halts and what an operator's resume does.</summary>
public sealed class GatedCampaignEngineTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private readonly FixedTimeProvider _time = new(T0);
    private readonly RecordingPublisher _wire = new();
    private readonly TempDirectory _dir = new("nf-gated-engine");
    private SqliteTelemetryStore _telemetry = null!;
    private CampaignEngine _engine = null!;

    private static readonly List<CohortDevice> Fleet =
        Enumerable.Range(0, 20).Select(i => new CohortDevice($"esp32-{i + 0x700:x12}", OtaTestPackages.Board, "1.0.0", [])).ToList();

    public async Task InitializeAsync()
    {
        _telemetry = new SqliteTelemetryStore(_dir.File("vitals.db"));
        await _telemetry.MigrateAsync();
        _engine = new CampaignEngine(new InMemoryCampaignStore(), _wire, _time) { ReleasePublicKey = OtaTestPackages.ReleasePublicKey, Telemetry = _telemetry };
    }

    public async Task DisposeAsync()
    {
        await _telemetry.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private Task<Campaign> CreateAsync(RolloutPlan? plan = null, bool start = true) =>
        _engine.CreateAsync(new CampaignRequest { Package = OtaTestPackages.Make("2.0.0"), Gate = plan ?? GatedCampaigns.QuickPlan, Start = start }, Fleet);

    private async Task<Campaign> Get(string id) => (await _engine.GetAsync(id))!;

    [Fact]
    public async Task A_health_breach_halts_through_the_halt_path_and_a_resume_overrides_it_into_the_next_stage()
    {
        var c = await CreateAsync();
        await GatedCampaigns.PassFirstStageAsync(_engine, _time, _telemetry, c.Id, panics: _ => true);
        c = await Get(c.Id);
        Assert.Equal((CampaignState.Halted, 0), (c.State, c.Gate!.Stage));
        Assert.StartsWith($"stage 1 of 3 (10 %), board {OtaTestPackages.Board}: crash_free_rate: crash-free rate 0 % vs 100 %", c.StateReason);
        Assert.Equal((GateOutcome.Breach, HealthGate.CrashFree, 0.0, 1.0), (c.Gate.LastVerdict!.Outcome, c.Gate.LastVerdict.Signal, c.Gate.LastVerdict.Updated, c.Gate.LastVerdict.Baseline));
        Assert.All(c.InWave(1), d => Assert.Equal(DeviceOtaState.Waiting, d.State));
        await _engine.TickAsync(); // a halted campaign offers nothing
        Assert.All((await Get(c.Id)).InWave(1), d => Assert.Equal(DeviceOtaState.Waiting, d.State));

        c = await _engine.ResumeAsync(c.Id);
        Assert.Equal((CampaignState.Rolling, 1, 3), (c.State, c.Gate!.Stage, c.Gate.Offered));
    }

    [Fact]
    public async Task A_health_breach_with_a_rollback_offers_it_to_exactly_the_stages_updated_devices()
    {
        byte[] previous = OtaTestPackages.Make("1.0.0");
        byte[] authorization = OtaTestPackages.Authorization(previous, [], 7, a => a.FromVersions = [NodeFirmware.Core.Ota.FirmwareVersion.Parse("2.0.0")]);
        var c = await _engine.CreateAsync(new CampaignRequest
        {
            Package = OtaTestPackages.Make("2.0.0"), Gate = GatedCampaigns.QuickPlan,
            Rollback = new CampaignRollbackRequest(Package: previous, DowngradeAuthorization: authorization),
        }, Fleet);
        await GatedCampaigns.PassFirstStageAsync(_engine, _time, _telemetry, c.Id, panics: _ => true);
        c = await Get(c.Id);
        Assert.Equal(CampaignState.Halted, c.State);
        Assert.Contains("crash_free_rate", c.StateReason);
        var rollback = (await Get(RollbackPlan.CampaignId(c.Id)));
        Assert.Equal(c.InWave(0).Select(d => d.DeviceId).Order(), rollback.Devices.Keys.Order());
        Assert.True(rollback.IsDowngrade);
        Assert.All(c.InWave(1), d => Assert.False(_wire.Retained.ContainsKey(OtaTopics.Offer(d.DeviceId)), $"{d.DeviceId} never updated and got an offer"));
    }

    [Fact]
    public async Task A_campaign_over_two_boards_halts_on_the_board_whose_updated_devices_crash_and_names_it()
    {
        const string other = "esp32-devkitc-v4";
        byte[] package = OtaTestPackages.Tampered(OtaTestPackages.Make("2.0.0"), m => m.Boards = [OtaTestPackages.Board, other], resignWith: OtaTestPackages.Release);
        var fleet = Enumerable.Range(0, 40).Select(i => new CohortDevice($"esp32-{i + 0x800:x12}", i % 2 == 0 ? OtaTestPackages.Board : other, "1.0.0", [])).ToList();
        var boards = fleet.ToDictionary(d => d.Id, d => d.Board!);
        var c = await _engine.CreateAsync(new CampaignRequest { Package = package, Gate = GatedCampaigns.QuickPlan with { StagePercents = [25, 100] } }, fleet);
        string sick = boards[c.InWave(0).First().DeviceId];
        await GatedCampaigns.PassFirstStageAsync(_engine, _time, _telemetry, c.Id, panics: id => boards[id] == sick);
        c = await Get(c.Id);
        Assert.Equal(CampaignState.Halted, c.State);
        Assert.StartsWith($"stage 1 of 2 (25 %), board {sick}: crash_free_rate: crash-free rate 0 % vs 100 %", c.StateReason);
        var verdict = c.Gate!.LastVerdict!;
        Assert.Equal((sick, HealthGate.CrashFree), (verdict.Board, verdict.Signal));
        // The other board, if the stage updated any of its devices, was healthy against its own not-updated devices.
        Assert.All(verdict.Boards.Where(b => b.Board != sick), b => Assert.Equal(GateOutcome.Promote, b.Verdict.Outcome));
        Assert.All(verdict.Boards, b => Assert.Equal(20 - c.InWave(0).Count(d => boards[d.DeviceId] == b.Board), b.Baseline.Devices));
    }

    [Fact]
    public async Task More_failures_in_a_stage_than_the_threshold_allows_halt_and_a_resume_accepts_them()
    {
        var c = await CreateAsync(new RolloutPlan([25, 100], TimeSpan.FromHours(7), 1000, new HealthThresholds(MinDevices: 1)));
        _time.Now = T0.AddMinutes(1);
        await _engine.TickAsync();
        var stage = (await Get(c.Id)).InWave(0).ToList();
        Assert.Equal(5, stage.Count);
        await _engine.Result(stage[0].DeviceId, c.Id, false, "1.0.0", "verify: bad hash");
        Assert.Equal(CampaignState.Halted, (await Get(c.Id)).State); // 0.9 of 5 allows no failure
        Assert.Equal("stage 1 of 2 (25 %): 1 of 5 failed, the success threshold 0.9 allows 0", (await Get(c.Id)).StateReason);

        c = await _engine.ResumeAsync(c.Id);
        Assert.Equal((CampaignState.Canary, 0, 1), (c.State, c.Gate!.Stage, c.Gate.ForgivenFailures));
        foreach (var d in stage.Skip(1)) await _engine.Result(d.DeviceId, c.Id, true, "2.0.0");
        Assert.Equal(CampaignState.Canary, (await Get(c.Id)).State);
        Assert.NotNull((await Get(c.Id)).Gate!.StageUpdatedAt); // the stage finished: its dwell runs
    }

    [Fact]
    public async Task A_paused_gated_campaign_offers_nothing_and_resumes_at_the_rate_limit_without_a_burst()
    {
        var c = await CreateAsync(new RolloutPlan([50, 100], TimeSpan.FromHours(7), 1, new HealthThresholds()));
        Assert.Equal(1, c.Gate!.Offered);
        await _engine.PauseAsync(c.Id);
        _time.Now = T0.AddHours(2);
        await _engine.TickAsync();
        Assert.Equal(1, (await Get(c.Id)).Gate!.Offered);
        c = await _engine.ResumeAsync(c.Id);
        Assert.Equal((CampaignState.Canary, 1), (c.State, c.Gate!.Offered)); // not the stage's 10 that two hours at 1/min would allow
        _time.Now = T0.AddHours(2).AddMinutes(3);
        await _engine.TickAsync();
        Assert.Equal(4, (await Get(c.Id)).Gate!.Offered);
    }

    [Fact]
    public async Task A_gated_draft_offers_nothing_until_started_and_a_receiver_without_telemetry_refuses_gated_campaigns()
    {
        var c = await CreateAsync(start: false);
        Assert.Equal((CampaignState.Draft, 0), (c.State, _wire.Retained.Count));
        _time.Now = T0.AddHours(1);
        c = await _engine.ResumeAsync(c.Id);
        Assert.Equal((CampaignState.Canary, 1, T0.AddHours(1)), (c.State, _wire.Retained.Count, c.Gate!.StageStartedAt));

        var blind = new CampaignEngine(new InMemoryCampaignStore(), _wire, _time) { ReleasePublicKey = OtaTestPackages.ReleasePublicKey };
        var e = await Assert.ThrowsAsync<ArgumentException>(() =>
            blind.CreateAsync(new CampaignRequest { Package = OtaTestPackages.Make("2.0.0"), Gate = GatedCampaigns.QuickPlan }, Fleet));
        Assert.Contains("no telemetry store", e.Message);
        Assert.Empty(await blind.ListAsync());
    }
}
