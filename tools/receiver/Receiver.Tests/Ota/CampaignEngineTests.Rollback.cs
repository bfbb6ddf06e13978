using NodeFirmware.Core.Ota;
using NodeFirmware.Receiver.Ota;

namespace NodeFirmware.Receiver.Tests.Ota;

/// <summary>
/// Rollback on halt in the engine: what a campaign created with <c>rollback</c> offers back when it halts, to whom, what is
/// refused at creation, and that a restart neither loses nor repeats the rollback.
/// </summary>
public partial class CampaignEngineTests
{
    private static readonly byte[] Previous = OtaTestPackages.Make("1.0.0");

    private CampaignEngine Engine(ICampaignStore store) => new(store, _wire, _time) { ReleasePublicKey = OtaTestPackages.ReleasePublicKey };

    /// <summary>What `nodectl firmware authorize-downgrade --package app-1.0.0.nfw --from-version 2.0.0` signs.</summary>
    private static byte[] FromNewVersion(byte[] package, long counter = 7) =>
        OtaTestPackages.Authorization(package, [], counter, a => a.FromVersions = [FirmwareVersion.Parse("2.0.0")]);

    /// <summary>2.0.0 to 20 devices on 1.0.0: a canary of 5, one failure allowed.</summary>
    private static CampaignRequest Request(CampaignRollbackRequest? rollback) => Request(canary: 25, threshold: 0.8) with { Rollback = rollback };

    private static CampaignRollbackRequest Rollback(byte[]? package = null, byte[]? authorization = null) =>
        new(Package: package ?? Previous, DowngradeAuthorization: authorization ?? FromNewVersion(package ?? Previous));

    /// <summary>A new campaign and its canary devices in id order.</summary>
    private static async Task<(Campaign, List<string>)> CreateAsync(CampaignEngine engine, CampaignRollbackRequest? rollback)
    {
        var c = await engine.CreateAsync(Request(rollback), Fleet(20));
        return (c, c.InWave(CampaignEngine.CanaryWave).Select(d => d.DeviceId).Order().ToList());
    }

    private string? OfferedCampaign(string device) =>
        _wire.Retained.TryGetValue(OtaTopics.Offer(device), out var offer) ? OtaMessages.DecodeOffer(offer).CampaignId : null;

    [Fact]
    public async Task A_halt_offers_the_previous_version_with_its_authorization_to_exactly_the_devices_that_updated()
    {
        var engine = Engine();
        var (c, canary) = await CreateAsync(engine, Rollback());
        await engine.Result(canary[0], c.Id, true, "2.0.0");
        Assert.Null(OfferedCampaign(canary[0])); // armed, not used while the campaign runs
        Assert.Null((await engine.GetAsync(c.Id))!.RollbackProgress);
        await engine.Result(canary[1], c.Id, false, "1.0.0", "rolled-back: the new image did not confirm itself");
        await engine.Result(canary[2], c.Id, false, "1.0.0", "hash-mismatch: File0.pe");

        c = (await engine.GetAsync(c.Id))!;
        Assert.Equal(CampaignState.Halted, c.State);
        Assert.StartsWith("canary: 2 of 5 failed", c.StateReason); // the halt reason stays
        string rollbackId = RollbackPlan.CampaignId(c.Id);
        Assert.Equal((rollbackId, CampaignState.Rolling, 1), (c.RollbackProgress!.CampaignId, c.RollbackProgress.State, c.RollbackProgress.Counts.InFlight));
        var offer = OtaMessages.DecodeOffer(_wire.Retained[OtaTopics.Offer(canary[0])]);
        var authorization = DowngradeAuthorizationFile.Parse(c.Rollback!.DowngradeAuthorization);
        Assert.Equal((rollbackId, "1.0.0"), (offer.CampaignId, ManifestCodec.Decode(offer.Manifest).Version.ToString()));
        Assert.Equal(authorization.Document, offer.Authorization);
        Assert.Equal(authorization.Signature, offer.AuthorizationSignature);
        // Neither the failed canary devices (back on 1.0.0 already) nor the rest, which never got 2.0.0.
        Assert.Equal([canary[0]], (await engine.GetAsync(rollbackId))!.Devices.Keys);
        Assert.All(c.Devices.Keys.Where(d => d != canary[0] && d != canary[3] && d != canary[4]), d => Assert.Null(OfferedCampaign(d)));

        // Offered before the halt, updated after it: offered the rollback too. A failure afterwards is not.
        await engine.Result(canary[3], c.Id, true, "2.0.0");
        await engine.Result(canary[4], c.Id, false, "1.0.0", "storage: slot full");
        Assert.Equal(rollbackId, OfferedCampaign(canary[3]));
        Assert.Null(OfferedCampaign(canary[4]));
        // The device repeats its old result before it sees the new offer: the rollback's offer stays retained.
        await engine.Result(canary[0], c.Id, true, "2.0.0");
        Assert.Equal(rollbackId, OfferedCampaign(canary[0]));

        await engine.Result(canary[0], rollbackId, true, "1.0.0");
        await engine.Result(canary[3], rollbackId, true, "1.0.0");
        var rollback = (await engine.GetAsync(rollbackId))!;
        Assert.Equal((CampaignState.Completed, 2), (rollback.State, rollback.Counts().Succeeded));
        Assert.True(rollback.IsDowngrade);
        Assert.Empty(_wire.Retained);
        c = (await engine.GetAsync(c.Id))!;
        Assert.Equal((CampaignState.Halted, CampaignState.Completed), (c.State, c.RollbackProgress!.State));
        var view = CampaignView.From(c, withDevices: false);
        Assert.Equal(("1.0.0", 7L, rollbackId, "completed", 2), (view.Rollback!.Version, view.Rollback.DowngradeCounter, view.Rollback.CampaignId,
            view.Rollback.State, view.Rollback.Counts!.Succeeded));
        Assert.Equal(c.Id, CampaignView.From(rollback, withDevices: false).RollbackOf);
        // Rolling 2.0.0 out again after its updated devices were taken back would undo the rollback.
        Assert.Contains("rollback campaign", (await Assert.ThrowsAsync<InvalidOperationException>(() => engine.ResumeAsync(c.Id))).Message);
    }

    [Fact]
    public async Task A_paused_rollback_takes_devices_that_update_later_and_offers_them_when_resumed()
    {
        var engine = Engine();
        var (c, canary) = await CreateAsync(engine, Rollback());
        await engine.Result(canary[0], c.Id, true, "2.0.0");
        await engine.Result(canary[1], c.Id, false, "1.0.0", "x: y");
        await engine.Result(canary[2], c.Id, false, "1.0.0", "x: y");
        string rollbackId = RollbackPlan.CampaignId(c.Id);
        Assert.Equal(0, (await engine.PauseAsync(rollbackId)).CanaryPercent);
        await engine.Result(canary[3], c.Id, true, "2.0.0");
        Assert.Equal(DeviceOtaState.Waiting, (await engine.GetAsync(rollbackId))!.Devices[canary[3]].State);
        Assert.Null(OfferedCampaign(canary[3]));
        Assert.Equal(CampaignState.Rolling, (await engine.ResumeAsync(rollbackId)).State);
        Assert.Equal(rollbackId, OfferedCampaign(canary[3]));
    }

    [Fact]
    public async Task A_rollback_whose_authorization_expired_before_the_halt_is_shown_halted_and_not_offered()
    {
        var engine = Engine();
        byte[] expiring = OtaTestPackages.Authorization(Previous, [], 7, a =>
        {
            a.FromVersions = [FirmwareVersion.Parse("2.0.0")];
            a.ExpiresUnixTime = T0.AddHours(1).ToUnixTimeSeconds();
        });
        var (c, canary) = await CreateAsync(engine, Rollback(authorization: expiring));
        await engine.Result(canary[0], c.Id, true, "2.0.0");
        _time.Now = T0.AddHours(2);
        await engine.Result(canary[1], c.Id, false, "1.0.0", "x: y");
        await engine.Result(canary[2], c.Id, false, "1.0.0", "x: y");
        var rollback = (await engine.GetAsync(c.Id))!.RollbackProgress!;
        Assert.Equal(CampaignState.Halted, rollback.State);
        Assert.Contains("expired", rollback.StateReason);
        Assert.Null(OfferedCampaign(canary[0]));
    }

    [Fact]
    public async Task A_campaign_without_rollback_halts_and_offers_nothing_back()
    {
        var engine = Engine();
        var (c, canary) = await CreateAsync(engine, null);
        await engine.Result(canary[0], c.Id, true, "2.0.0");
        await engine.Result(canary[1], c.Id, false, "1.0.0", "x: y");
        await engine.Result(canary[2], c.Id, false, "1.0.0", "x: y");
        c = (await engine.GetAsync(c.Id))!;
        Assert.Equal((CampaignState.Halted, (RollbackProgress?)null), (c.State, c.RollbackProgress));
        Assert.Single(await engine.ListAsync());
        Assert.Null(OfferedCampaign(canary[0]));
        Assert.Null(CampaignView.From(c, withDevices: false).Rollback);
    }

    [Fact]
    public async Task A_rollback_that_the_release_key_does_not_cover_for_this_campaign_is_refused_and_nothing_is_stored()
    {
        var engine = Engine();
        var fleet = Fleet(20);
        byte[] otherBoard = OtaTestPackages.Tampered(Previous, m => m.Boards = ["esp32-other-board"], resignWith: OtaTestPackages.Release);
        byte[] older = OtaTestPackages.Make("0.9.0");
        var cases = new (string Case, CampaignRollbackRequest Rollback, string Reason)[]
        {
            ("signed by another key", Rollback(authorization: OtaTestPackages.Authorization(Previous, [], 7,
                a => a.FromVersions = [FirmwareVersion.Parse("2.0.0")], OtaTestPackages.Stranger)), "not signed by the release key"),
            ("another key claiming the release key's id", Rollback(authorization: OtaTestPackages.Authorization(Previous, [], 7,
                a => { a.FromVersions = [FirmwareVersion.Parse("2.0.0")]; a.KeyId = OtaTestPackages.Release.KeyId; }, OtaTestPackages.Stranger)), "not signed by the release key"),
            ("an authorization for another version", Rollback(authorization: FromNewVersion(older)), "not for this package 1.0.0"),
            ("a package for another device class", Rollback(otherBoard), $"board-mismatch: image is not for board '{OtaTestPackages.Board}'"),
            ("a package signed by another key", Rollback(OtaTestPackages.MakeSignedBy(OtaTestPackages.Stranger, "1.0.0")), "unknown-key"),
            ("a version not older", Rollback(OtaTestPackages.Make("2.0.0")), "not older than the campaign's 2.0.0"),
            ("devices it does not name", Rollback(authorization: OtaTestPackages.Authorization(Previous, [fleet[0].Id], 7)), "does not name 19 cohort device(s) running 2.0.0"),
            ("devices on another version", Rollback(authorization: OtaTestPackages.Authorization(Previous, [], 7, a => a.FromVersions = [FirmwareVersion.Parse("1.9.0")])), "does not name 20"),
            ("an expired authorization", Rollback(authorization: OtaTestPackages.Authorization(Previous, [], 7,
                a => { a.FromVersions = [FirmwareVersion.Parse("2.0.0")]; a.ExpiresUnixTime = T0.AddSeconds(-1).ToUnixTimeSeconds(); })), "expired"),
            ("no authorization", new CampaignRollbackRequest(Package: Previous), "rollback needs 'downgradeAuthorization'"),
            ("not a package", Rollback(package: [1, 2, 3], authorization: FromNewVersion(Previous)), "firmware package"),
        };
        foreach (var (what, rollback, reason) in cases)
        {
            var e = await Assert.ThrowsAsync<ArgumentException>(() => engine.CreateAsync(Request(rollback), fleet));
            Assert.True(e.Message.Contains(reason) && e.Message.StartsWith("rollback"), $"{what}: {e.Message}");
        }
        Assert.Empty(await _store.LoadAllAsync());
        Assert.Empty(_wire.Published);
        Assert.NotNull((await engine.CreateAsync(Request(Rollback()), fleet)).Rollback); // the genuine one goes through
    }

    [Fact]
    public async Task A_restart_after_the_halt_catches_up_on_a_rollback_it_did_not_store_or_offer_and_never_makes_a_second()
    {
        var engine = Engine();
        var (c, canary) = await CreateAsync(engine, Rollback());
        await engine.Result(canary[0], c.Id, true, "2.0.0");
        await engine.Result(canary[1], c.Id, true, "2.0.0");
        await engine.Result(canary[2], c.Id, false, "1.0.0", "x: y");
        await engine.Result(canary[3], c.Id, false, "1.0.0", "x: y");
        string rollbackId = RollbackPlan.CampaignId(c.Id);
        var stored = (await _store.LoadAllAsync()).ToDictionary(s => s.Id);
        Assert.Equal(2, stored[rollbackId].Devices.Count);

        // The receiver stopped after storing the halt, before the rollback campaign: the next start makes and offers it.
        _wire.Retained.Clear();
        var crashedBeforeRollback = new InMemoryCampaignStore();
        await crashedBeforeRollback.SaveCampaignAsync(stored[c.Id]);
        var restarted = Engine(crashedBeforeRollback);
        await restarted.LoadAsync();
        Assert.Equal([canary[0], canary[1]], (await restarted.GetAsync(rollbackId))!.Devices.Keys.Order());
        Assert.Equal(rollbackId, OfferedCampaign(canary[0]));
        Assert.Equal(rollbackId, OfferedCampaign(canary[1]));

        // ...after storing it, before offering one device: that one is offered, the other is not offered again.
        _wire.Retained.Clear();
        var crashedMidOffers = new InMemoryCampaignStore();
        await crashedMidOffers.SaveCampaignAsync(stored[c.Id]);
        var half = stored[rollbackId];
        half.Devices[canary[1]].State = DeviceOtaState.Waiting;
        await crashedMidOffers.SaveCampaignAsync(half);
        await Engine(crashedMidOffers).LoadAsync();
        Assert.Null(OfferedCampaign(canary[0]));
        Assert.Equal(rollbackId, OfferedCampaign(canary[1]));

        // A start with everything stored changes nothing: one rollback campaign, nothing offered again.
        int published = _wire.Published.Count;
        var again = Engine();
        await again.LoadAsync();
        Assert.Equal(2, (await again.ListAsync()).Count);
        Assert.Equal(published, _wire.Published.Count);
        Assert.Equal(2, (await again.GetAsync(c.Id))!.RollbackProgress!.Counts.InFlight);
    }

    [Fact]
    public async Task A_stored_rollback_the_release_key_does_not_verify_makes_its_campaign_untrusted_and_offers_nothing()
    {
        var engine = Engine();
        var (c, canary) = await CreateAsync(engine, Rollback());
        await engine.Result(canary[0], c.Id, true, "2.0.0");
        var stored = (await _store.LoadAllAsync()).Single();
        var planted = new Campaign
        {
            Id = stored.Id, Name = stored.Name, TargetVersion = stored.TargetVersion, Cohort = stored.Cohort, CanaryPercent = stored.CanaryPercent,
            SuccessThreshold = stored.SuccessThreshold, Window = stored.Window, ChunkSize = stored.ChunkSize, CreatedAt = stored.CreatedAt,
            Package = stored.Package, State = CampaignState.Halted, Devices = stored.Devices,
            Rollback = new RollbackPlan(Previous, OtaTestPackages.Authorization(Previous, [], 7, a => a.FromVersions = [FirmwareVersion.Parse("2.0.0")],
                OtaTestPackages.Stranger)),
        };
        var store = new InMemoryCampaignStore();
        await store.SaveCampaignAsync(planted);
        _wire.Retained.Clear();
        var loaded = Engine(store);
        await loaded.LoadAsync();
        var shown = (await loaded.GetAsync(c.Id))!;
        Assert.Contains("rollback: the downgrade authorization is not signed by the release key", shown.TrustProblem);
        Assert.Single(await loaded.ListAsync());
        Assert.Empty(_wire.Retained);
    }
}
