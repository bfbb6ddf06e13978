using NodeFirmware.Core.Ota;
using NodeFirmware.Receiver.Ota;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Ota;

/// <summary>A campaign survives a receiver restart: what one engine stored, a new engine loads and continues.</summary>
public abstract class CampaignStoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    protected abstract Task<ICampaignStore> OpenAsync(bool reuse);

    [Fact]
    public async Task A_restarted_engine_resumes_a_gated_campaign_at_its_stored_stage_with_its_judgement()
    {
        var time = new FixedTimeProvider(T0);
        var wire = new RecordingPublisher();
        var fleet = Enumerable.Range(0, 20).Select(i => new CohortDevice($"esp32-{i + 0x200:x12}", OtaTestPackages.Board, "1.0.0", [])).ToList();
        using var vitals = new TempDirectory("nf-gate-vitals");
        await using var telemetry = new NodeFirmware.Receiver.Storage.Sqlite.SqliteTelemetryStore(vitals.File("vitals.db"));
        await telemetry.MigrateAsync();
        string id;
        await using (var store = await OpenAsync(reuse: false))
        {
            await store.MigrateAsync();
            var engine = new CampaignEngine(store, wire, time) { ReleasePublicKey = OtaTestPackages.ReleasePublicKey, Telemetry = telemetry };
            var c = await engine.CreateAsync(new CampaignRequest { Package = OtaTestPackages.Make("2.0.0"), Gate = Gate.GatedCampaigns.QuickPlan }, fleet);
            id = c.Id;
            Assert.Equal((CampaignState.Canary, 0, 1), (c.State, c.Gate!.Stage, c.Gate.Offered)); // the first device at once
            await Gate.GatedCampaigns.PassFirstStageAsync(engine, time, telemetry, id);
            Assert.Equal((CampaignState.Rolling, 1), ((await engine.GetAsync(id))!.State, (await engine.GetAsync(id))!.Gate!.Stage));
        }

        await using (var store = await OpenAsync(reuse: true))
        {
            await store.MigrateAsync(); // again, as every start does
            var engine = new CampaignEngine(store, wire, time) { ReleasePublicKey = OtaTestPackages.ReleasePublicKey, Telemetry = telemetry };
            await engine.LoadAsync();
            var c = (await engine.GetAsync(id))!;
            var g = c.Gate!;
            Assert.Equal((CampaignState.Rolling, 1, T0.AddHours(8), (DateTimeOffset?)null), (c.State, g.Stage, g.StageStartedAt, g.StageUpdatedAt));
            Assert.Equal(Gate.GatedCampaigns.QuickPlan.StagePercents, g.Plan.StagePercents);
            Assert.Equal((TimeSpan.FromHours(7), 1000.0, 1), (g.Plan.Dwell, g.Plan.DevicesPerMinute, g.Plan.Thresholds.MinDevices));
            Assert.Equal((3, 2), (g.Offered, g.Updated)); // stage 1's two devices updated, stage 2's first offered at once
            Assert.All(fleet, d => Assert.Equal(OtaTestPackages.Board, g.Boards[d.Id]));
            var verdict = g.LastVerdict!;
            Assert.Equal((0, NodeFirmware.Receiver.Ota.Gate.GateOutcome.Promote), (verdict.Stage, verdict.Outcome));
            var board = Assert.Single(verdict.Boards);
            Assert.Equal((OtaTestPackages.Board, 2, 18), (board.Board, board.Updated.Devices, board.Baseline.Devices));
            Assert.Equal("stage 1 of 3 (10 %): healthy on " + OtaTestPackages.Board, verdict.Reason);
            Assert.Equal(verdict.Reason, Assert.Single(g.History).Reason);
            Assert.Equal((2, 18), (board.Updated.DrainDevices, board.Baseline.DrainDevices)); // the comparison's values came back too

            // It continues stage 2 under the rate limit from the stored stage start; once its devices finish, its dwell starts.
            time.Now = T0.AddHours(8).AddMinutes(1);
            await engine.TickAsync();
            c = (await engine.GetAsync(id))!;
            Assert.All(c.InWave(1), d => Assert.Equal(DeviceOtaState.Offered, d.State));
            foreach (var d in c.InWave(1)) await engine.Result(d.DeviceId, id, true, "2.0.0");
            c = (await engine.GetAsync(id))!;
            Assert.Equal((CampaignState.Rolling, 1, (DateTimeOffset?)time.Now), (c.State, c.Gate!.Stage, c.Gate.StageUpdatedAt));
            Assert.All(c.InWave(2), d => Assert.Equal(DeviceOtaState.Waiting, d.State));
        }
    }

    [Fact]
    public async Task A_restarted_engine_continues_the_campaign_where_the_last_one_stopped()
    {
        var time = new FixedTimeProvider(T0);
        var wire = new RecordingPublisher();
        var fleet = Enumerable.Range(0, 10).Select(i => new CohortDevice($"esp32-{i:x12}", OtaTestPackages.Board, "1.0.0", ["site-a"])).ToList();
        byte[] package = OtaTestPackages.Make("2.0.0", 1000, 2000);
        string id, canary;
        await using (var store = await OpenAsync(reuse: false))
        {
            await store.MigrateAsync();
            var engine = new CampaignEngine(store, wire, time) { ReleasePublicKey = OtaTestPackages.ReleasePublicKey };
            var c = await engine.CreateAsync(new CampaignRequest
            {
                Name = "spring", Package = package, Cohort = new CohortFilter(OtaTestPackages.Board, "1.0.0", ["site-a"]),
                CanaryPercent = 10, SuccessThreshold = 0.5, Window = TimeSpan.FromMinutes(90), ChunkSize = 512,
                DowngradeAuthorization = OtaTestPackages.Authorization(package, fleet.Select(d => d.Id).ToArray(), counter: 3),
            }, fleet);
            id = c.Id;
            canary = c.InWave(CampaignEngine.CanaryWave).Single().DeviceId;
            time.Now = T0.AddMinutes(1);
            await engine.Progress(canary, id, "downloading", 1500, 3000);
        }

        await using (var store = await OpenAsync(reuse: true))
        {
            await store.MigrateAsync(); // again, as every start does
            var engine = new CampaignEngine(store, wire, time) { ReleasePublicKey = OtaTestPackages.ReleasePublicKey };
            await engine.LoadAsync();
            var c = (await engine.GetAsync(id))!;
            Assert.Equal(("spring", "2.0.0", CampaignState.Canary, 10), (c.Name, c.TargetVersion, c.State, c.Devices.Count));
            Assert.Equal((10.0, 0.5, TimeSpan.FromMinutes(90), true, 512), (c.CanaryPercent, c.SuccessThreshold, c.Window, c.IsDowngrade, c.ChunkSize));
            Assert.Equal(3, DowngradeAuthorizationFile.Parse(c.DowngradeAuthorization!).Authorization.Counter);
            Assert.Equal(["site-a"], c.Cohort.Tags!);
            Assert.Equal(package, c.Package);
            Assert.Equal(T0, c.CreatedAt);
            var d = c.Devices[canary];
            Assert.Equal((DeviceOtaState.Downloading, 1500L, 3000L, (DateTimeOffset?)T0), (d.State, d.Done, d.Total, d.OfferedAt));
            // It serves chunks from the stored package and finishes the campaign.
            await engine.Request(canary, id, 1, 0, 512);
            Assert.Single(wire.Chunks(canary));
            await engine.Result(canary, id, true, "2.0.0");
            foreach (var rest in c.InWave(CampaignEngine.RestWave)) await engine.Result(rest.DeviceId, id, false, "1.0.0", "storage: slot full");
            Assert.Equal(CampaignState.Halted, (await engine.GetAsync(id))!.State);
        }

        await using (var store = await OpenAsync(reuse: true))
        {
            var engine = new CampaignEngine(store, wire, time) { ReleasePublicKey = OtaTestPackages.ReleasePublicKey };
            await engine.LoadAsync();
            var c = (await engine.GetAsync(id))!;
            Assert.Equal(CampaignState.Halted, c.State);
            Assert.StartsWith("rollout: 5 of 9 failed", c.StateReason); // the fifth failure halted it; the rest still reported
            Assert.All(c.InWave(CampaignEngine.RestWave), d => Assert.Equal((DeviceOtaState.Failed, "storage: slot full"), (d.State, d.Reason)));
            Assert.Equal(("2.0.0", (DateTimeOffset?)T0.AddMinutes(1)), (c.Devices[canary].ReportedFirmware, c.Devices[canary].FinishedAt));
        }
    }

    [Fact]
    public async Task A_rollback_survives_a_restart_armed_and_after_the_halt_without_being_repeated()
    {
        var time = new FixedTimeProvider(T0);
        var wire = new RecordingPublisher();
        var fleet = Enumerable.Range(0, 4).Select(i => new CohortDevice($"esp32-{i + 0x200:x12}", OtaTestPackages.Board, "1.0.0", [])).ToList();
        byte[] previous = OtaTestPackages.Make("1.0.0", 700);
        byte[] authorization = OtaTestPackages.Authorization(previous, fleet.Select(d => d.Id).ToArray(), counter: 11);
        string id;
        await using (var store = await OpenAsync(reuse: false))
        {
            await store.MigrateAsync();
            var engine = new CampaignEngine(store, wire, time) { ReleasePublicKey = OtaTestPackages.ReleasePublicKey };
            id = (await engine.CreateAsync(new CampaignRequest
            {
                Package = OtaTestPackages.Make("2.0.0"), CanaryPercent = 100, SuccessThreshold = 0.5,
                Rollback = new CampaignRollbackRequest(Package: previous, DowngradeAuthorization: authorization),
            }, fleet)).Id;
        }
        string rollbackId = RollbackPlan.CampaignId(id);
        await using (var store = await OpenAsync(reuse: true))
        {
            await store.MigrateAsync();
            var engine = new CampaignEngine(store, wire, time) { ReleasePublicKey = OtaTestPackages.ReleasePublicKey };
            await engine.LoadAsync();
            var c = (await engine.GetAsync(id))!;
            Assert.Equal(previous, c.Rollback!.Package);
            Assert.Equal(authorization, c.Rollback.DowngradeAuthorization);
            await engine.Result(fleet[0].Id, id, true, "2.0.0");
            for (int i = 1; i < 4; i++) await engine.Result(fleet[i].Id, id, false, "1.0.0", "x: y");
            Assert.Equal(CampaignState.Halted, (await engine.GetAsync(id))!.State);
        }
        int published = wire.Published.Count;
        await using (var store = await OpenAsync(reuse: true))
        {
            var engine = new CampaignEngine(store, wire, time) { ReleasePublicKey = OtaTestPackages.ReleasePublicKey };
            await engine.LoadAsync();
            Assert.Equal(2, (await engine.ListAsync()).Count);
            Assert.Equal(published, wire.Published.Count); // nothing offered again
            var rollback = (await engine.GetAsync(rollbackId))!;
            Assert.Equal([fleet[0].Id], rollback.Devices.Keys);
            Assert.Equal((DeviceOtaState.Offered, "1.0.0"), (rollback.Devices[fleet[0].Id].State, rollback.TargetVersion));
            Assert.Equal(authorization, rollback.DowngradeAuthorization);
            Assert.Equal(CampaignState.Rolling, (await engine.GetAsync(id))!.RollbackProgress!.State);
            await engine.Result(fleet[0].Id, rollbackId, true, "1.0.0");
            Assert.Equal(CampaignState.Completed, (await engine.GetAsync(rollbackId))!.State);
        }
    }

    [Fact]
    public async Task A_paused_campaign_stays_paused_across_a_restart_and_resumes_into_its_phase()
    {
        var time = new FixedTimeProvider(T0);
        var wire = new RecordingPublisher();
        var fleet = Enumerable.Range(0, 4).Select(i => new CohortDevice($"esp32-{i + 0x100:x12}", OtaTestPackages.Board, "1.0.0", [])).ToList();
        string id;
        await using (var store = await OpenAsync(reuse: false))
        {
            await store.MigrateAsync();
            var engine = new CampaignEngine(store, wire, time) { ReleasePublicKey = OtaTestPackages.ReleasePublicKey };
            id = (await engine.CreateAsync(new CampaignRequest { Package = OtaTestPackages.Make("2.0.0"), CanaryPercent = 50 }, fleet)).Id;
            await engine.PauseAsync(id);
        }
        await using (var store = await OpenAsync(reuse: true))
        {
            var engine = new CampaignEngine(store, wire, time) { ReleasePublicKey = OtaTestPackages.ReleasePublicKey };
            await engine.LoadAsync();
            var c = (await engine.GetAsync(id))!;
            Assert.Equal((CampaignState.Paused, "paused by operator"), (c.State, c.StateReason));
            Assert.Equal(CampaignState.Canary, (await engine.ResumeAsync(id)).State);
        }
    }
}

public sealed class SqliteCampaignStoreTests : CampaignStoreContract, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("campaign-store-").FullName;

    protected override Task<ICampaignStore> OpenAsync(bool reuse) =>
        Task.FromResult<ICampaignStore>(new SqliteCampaignStore(Path.Combine(_dir, "receiver.db")));

    [Fact]
    public async Task A_database_made_before_gates_and_rollbacks_keeps_its_campaigns_and_gains_both_tables()
    {
        string path = Path.Combine(_dir, "older.db");
        var fleet = Enumerable.Range(0, 4).Select(i => new CohortDevice($"esp32-{i + 0x300:x12}", OtaTestPackages.Board, "1.0.0", [])).ToList();
        string id;
        await using (var store = new SqliteCampaignStore(path))
        {
            await store.MigrateAsync();
            var engine = new CampaignEngine(store, new RecordingPublisher(), new FixedTimeProvider(T0)) { ReleasePublicKey = OtaTestPackages.ReleasePublicKey };
            id = (await engine.CreateAsync(new CampaignRequest { Package = OtaTestPackages.Make("2.0.0") }, fleet)).Id;
        }
        await using (var db = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + path))
        {
            await db.OpenAsync();
            await using var drop = db.CreateCommand();
            drop.CommandText = "DROP TABLE campaign_gates; DROP TABLE campaign_rollbacks"; // as the database was before
            await drop.ExecuteNonQueryAsync();
        }
        await using (var store = new SqliteCampaignStore(path))
        {
            await store.MigrateAsync();
            var c = Assert.Single(await store.LoadAllAsync());
            Assert.Equal((id, CampaignState.Canary, 4), (c.Id, c.State, c.Devices.Count));
            Assert.Null(c.Gate);
            Assert.Null(c.Rollback);
        }
    }

    [Fact]
    public async Task The_campaign_tables_live_beside_the_telemetry_in_the_same_file()
    {
        string path = Path.Combine(_dir, "shared.db");
        await using var telemetry = NodeFirmware.Receiver.Storage.TelemetryStoreFactory.Create("sqlite:" + path);
        await telemetry.MigrateAsync();
        await using var campaigns = CampaignStoreFactory.Create("sqlite:" + path);
        await campaigns.MigrateAsync();
        await telemetry.MigrateAsync();
        Assert.Empty(await campaigns.LoadAllAsync());
        Assert.Equal(0, await telemetry.CountReadingsAsync());
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresCampaignStoreTests(PostgresFixture postgres) : CampaignStoreContract
{
    private string? _connectionString;

    protected override async Task<ICampaignStore> OpenAsync(bool reuse)
    {
        if (!reuse || _connectionString is null) _connectionString = await postgres.NewDatabaseAsync();
        return new PostgresCampaignStore(_connectionString);
    }
}
