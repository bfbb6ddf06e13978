using NodeFirmware.Core.Ota;
using NodeFirmware.Core.Util;
using NodeFirmware.Receiver.Ota;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Ota;

public partial class CampaignEngineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private readonly FixedTimeProvider _time = new(T0);
    private readonly RecordingPublisher _wire = new();
    private readonly InMemoryCampaignStore _store = new();
    private readonly List<(string Campaign, string Device, bool Ok)> _outcomes = new();

    private CampaignEngine Engine() => new(_store, _wire, _time, outcomes: (c, d, ok, _) =>
    {
        lock (_outcomes) _outcomes.Add((c, d, ok));
        return Task.CompletedTask;
    }) { ReleasePublicKey = OtaTestPackages.ReleasePublicKey };

    private static List<CohortDevice> Fleet(int n, string firmware = "1.0.0", string board = OtaTestPackages.Board) =>
        Enumerable.Range(0, n).Select(i => new CohortDevice($"esp32-{i:x12}", board, firmware, i % 2 == 0 ? ["even"] : [])).ToList();

    private static CampaignRequest Request(string version = "2.0.0", double canary = 10, double threshold = 0.8) => new()
    {
        Package = OtaTestPackages.Make(version),
        Cohort = new CohortFilter(Board: OtaTestPackages.Board, Firmware: "1.0.0"),
        CanaryPercent = canary,
        SuccessThreshold = threshold,
        Window = TimeSpan.FromHours(1),
    };

    private static List<string> Wave(Campaign c, int wave) => c.InWave(wave).Select(d => d.DeviceId).ToList();

    [Fact]
    public async Task The_cohort_is_filtered_by_board_firmware_and_tags_and_only_the_canary_is_offered()
    {
        var engine = Engine();
        var fleet = Fleet(40).Concat(Fleet(5, board: "other-board").Select(d => d with { Id = d.Id + "-o" }))
                             .Concat([new CohortDevice("esp32-on-target", OtaTestPackages.Board, "2.0.0", ["even"])]);
        var c = await engine.CreateAsync(Request() with { Cohort = new CohortFilter(OtaTestPackages.Board, null, ["even"]) }, fleet);
        Assert.Equal(20, c.Devices.Count); // the even ones on the board, not the one already on 2.0.0
        Assert.All(c.Devices.Keys, id => Assert.Contains(id[^1], "02468ace"));
        Assert.Equal(CampaignState.Canary, c.State);
        var canary = Wave(c, CampaignEngine.CanaryWave);
        Assert.Equal(2, canary.Count);
        Assert.Equal(canary.Order(), _wire.Retained.Keys.Select(t => OtaTopics.Parse(t)!.Value.DeviceId).Order());
        var offer = OtaMessages.DecodeOffer(_wire.Retained[OtaTopics.Offer(canary[0])]);
        Assert.Equal((c.Id, 4096, (byte[]?)null), (offer.CampaignId, offer.ChunkSize, offer.Authorization));
        Assert.Equal("2.0.0", ManifestCodec.Decode(offer.Manifest).Version.ToString());
    }

    [Fact]
    public async Task A_downgrade_campaign_forwards_its_authorization_in_every_offer_and_only_to_the_devices_it_names()
    {
        var engine = Engine();
        var fleet = Fleet(6, firmware: "2.0.0");
        byte[] package = OtaTestPackages.Make("1.5.0");
        byte[] file = OtaTestPackages.Authorization(package, [fleet[1].Id, fleet[4].Id], counter: 9);
        var c = await engine.CreateAsync(Request("1.5.0", canary: 100) with
        {
            Package = package, Cohort = new CohortFilter(OtaTestPackages.Board, "2.0.0"), DowngradeAuthorization = file,
        }, fleet);
        Assert.Equal([fleet[1].Id, fleet[4].Id], c.Devices.Keys.Order());
        Assert.True(c.IsDowngrade);
        var parsed = DowngradeAuthorizationFile.Parse(file);
        foreach (var id in c.Devices.Keys)
        {
            var offer = OtaMessages.DecodeOffer(_wire.Retained[OtaTopics.Offer(id)]);
            Assert.Equal(parsed.Document, offer.Authorization);
            Assert.Equal(parsed.Signature, offer.AuthorizationSignature);
        }
    }

    [Fact]
    public async Task A_downgrade_authorization_for_another_package_expired_malformed_or_naming_nobody_is_refused()
    {
        var fleet = Fleet(3, firmware: "2.0.0");
        byte[] package = OtaTestPackages.Make("1.5.0");
        CampaignRequest With(byte[] auth) => Request("1.5.0") with { Package = package, Cohort = new CohortFilter(OtaTestPackages.Board, "2.0.0"), DowngradeAuthorization = auth };
        var ids = fleet.Select(d => d.Id).ToArray();
        var other = OtaTestPackages.Authorization(OtaTestPackages.Make("1.4.0"), ids);
        Assert.Contains("not for this package", (await Assert.ThrowsAsync<ArgumentException>(() => Engine().CreateAsync(With(other), fleet))).Message);
        var expired = OtaTestPackages.Authorization(package, ids, tweak: a => a.ExpiresUnixTime = T0.AddDays(-1).ToUnixTimeSeconds());
        Assert.Contains("expired", (await Assert.ThrowsAsync<ArgumentException>(() => Engine().CreateAsync(With(expired), fleet))).Message);
        Assert.Contains("NFA1", (await Assert.ThrowsAsync<ArgumentException>(() => Engine().CreateAsync(With([1, 2, 3, 4, 5, 6, 7, 8]), fleet))).Message);
        var nobody = OtaTestPackages.Authorization(package, ["esp32-elsewhere"]);
        Assert.Contains("names", (await Assert.ThrowsAsync<ArgumentException>(() => Engine().CreateAsync(With(nobody), fleet))).Message);
        Assert.Empty(_wire.Retained);
    }

    [Fact]
    public async Task A_healthy_canary_rolls_out_to_the_rest_and_the_campaign_completes_with_every_offer_cleared()
    {
        var engine = Engine();
        var c = await engine.CreateAsync(Request(), Fleet(20));
        foreach (var d in Wave(c, CampaignEngine.CanaryWave)) await engine.Result(d, c.Id, true, "2.0.0");
        c = (await engine.GetAsync(c.Id))!;
        Assert.Equal(CampaignState.Rolling, c.State);
        var rest = Wave(c, CampaignEngine.RestWave);
        Assert.Equal(18, rest.Count);
        Assert.All(rest, d => Assert.True(_wire.HasOffer(d)));
        foreach (var d in rest) await engine.Result(d, c.Id, true, "2.0.0");
        c = (await engine.GetAsync(c.Id))!;
        Assert.Equal(CampaignState.Completed, c.State);
        Assert.Empty(_wire.Retained);
        Assert.Equal(20, _outcomes.Count(o => o.Ok));
    }

    [Fact]
    public async Task Canary_failures_beyond_the_threshold_halt_the_campaign_and_the_rest_is_never_offered()
    {
        var engine = Engine();
        var c = await engine.CreateAsync(Request(canary: 25, threshold: 0.8), Fleet(20)); // canary 5, one failure allowed
        var canary = Wave(c, CampaignEngine.CanaryWave);
        await engine.Result(canary[0], c.Id, false, "1.0.0", "rolled-back: the new image did not confirm itself");
        Assert.Equal(CampaignState.Canary, (await engine.GetAsync(c.Id))!.State);
        await engine.Result(canary[1], c.Id, true, "1.0.0"); // ok, but runs the old version after its trial
        c = (await engine.GetAsync(c.Id))!;
        Assert.Equal(CampaignState.Halted, c.State);
        Assert.StartsWith("canary: 2 of 5 failed", c.StateReason);
        Assert.Equal(DeviceOtaState.RolledBack, c.Devices[canary[0]].State);
        Assert.Equal(DeviceOtaState.RolledBack, c.Devices[canary[1]].State);
        Assert.All(Wave(c, CampaignEngine.RestWave), d => Assert.False(_wire.HasOffer(d)));
        // Canary devices already offered still finish and are recorded; nothing more is offered.
        await engine.Result(canary[2], c.Id, true, "2.0.0");
        c = (await engine.GetAsync(c.Id))!;
        Assert.Equal((CampaignState.Halted, DeviceOtaState.Succeeded), (c.State, c.Devices[canary[2]].State));
        Assert.Equal(2, _wire.Retained.Count);
        Assert.All(c.InWave(CampaignEngine.RestWave), d => Assert.Equal(DeviceOtaState.Waiting, d.State));
    }

    [Fact]
    public async Task A_device_without_a_result_within_the_window_fails_and_counts_toward_the_halt()
    {
        var engine = Engine();
        var c = await engine.CreateAsync(Request(canary: 10, threshold: 1.0), Fleet(10)); // canary 1, no failure allowed
        string device = Wave(c, CampaignEngine.CanaryWave).Single();
        await engine.Progress(device, c.Id, "downloading", 5000, 10_000);
        _time.Now = T0 + TimeSpan.FromMinutes(59);
        await engine.TickAsync();
        Assert.Equal(DeviceOtaState.Downloading, (await engine.GetAsync(c.Id))!.Devices[device].State);
        Assert.Equal(50, (await engine.GetAsync(c.Id))!.Devices[device].Percent);
        _time.Now = T0 + TimeSpan.FromHours(1);
        await engine.TickAsync();
        c = (await engine.GetAsync(c.Id))!;
        Assert.Equal((DeviceOtaState.Failed, CampaignState.Halted), (c.Devices[device].State, c.State));
        Assert.StartsWith("timeout", c.Devices[device].Reason);
        Assert.False(_wire.HasOffer(device));
        Assert.Equal([(c.Id, device, false)], _outcomes);
    }

    [Fact]
    public async Task Resume_rolls_a_halted_campaign_out_and_abort_clears_every_unfinished_offer()
    {
        var engine = Engine();
        var c = await engine.CreateAsync(Request(canary: 10, threshold: 1.0), Fleet(10));
        string canary = Wave(c, CampaignEngine.CanaryWave).Single();
        await engine.Result(canary, c.Id, false, "1.0.0", "hash-mismatch: File0.pe");
        Assert.Equal(CampaignState.Halted, (await engine.GetAsync(c.Id))!.State);
        c = await engine.ResumeAsync(c.Id);
        Assert.Contains("only a draft, paused or halted", (await Assert.ThrowsAsync<InvalidOperationException>(() => engine.ResumeAsync(c.Id))).Message);
        Assert.Equal(CampaignState.Rolling, c.State);
        Assert.Equal(9, _wire.Retained.Count);
        c = await engine.AbortAsync(c.Id);
        Assert.Equal(CampaignState.Aborted, c.State);
        Assert.Empty(_wire.Retained);
        Assert.All(Wave(c, CampaignEngine.RestWave), d => Assert.Equal(DeviceOtaState.Cancelled, c.Devices[d].State));
        // An aborted campaign serves no more chunks.
        await engine.Request(Wave(c, CampaignEngine.RestWave)[0], c.Id, 0, 0, 512);
        Assert.Empty(_wire.Chunks(Wave(c, CampaignEngine.RestWave)[0]));
        await Assert.ThrowsAsync<InvalidOperationException>(() => engine.AbortAsync(c.Id));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => engine.ResumeAsync("c-unknown"));
    }

    [Fact]
    public async Task A_paused_campaign_offers_no_further_wave_lets_offered_devices_finish_and_resumes_into_its_phase()
    {
        var engine = Engine();
        var c = await engine.CreateAsync(Request(canary: 10, threshold: 1.0), Fleet(20));
        var canary = Wave(c, CampaignEngine.CanaryWave);
        Assert.Equal(2, canary.Count);
        c = await engine.PauseAsync(c.Id);
        Assert.Equal((CampaignState.Paused, "paused by operator"), (c.State, c.StateReason));
        Assert.Contains("only a canary or rolling", (await Assert.ThrowsAsync<InvalidOperationException>(() => engine.PauseAsync(c.Id))).Message);

        // The offered canary devices are still served and finish; the rest of the cohort is not offered meanwhile.
        Assert.Equal(canary.Order(), _wire.Retained.Keys.Select(t => t.Split('/')[1]).Order());
        await engine.Request(canary[0], c.Id, 0, 0, 512);
        Assert.Single(_wire.Chunks(canary[0]));
        foreach (var d in canary) await engine.Result(d, c.Id, true, "2.0.0");
        c = (await engine.GetAsync(c.Id))!;
        Assert.Equal(CampaignState.Paused, c.State);
        Assert.Empty(_wire.Retained);
        Assert.All(Wave(c, CampaignEngine.RestWave), d => Assert.Equal(DeviceOtaState.Waiting, c.Devices[d].State));

        // Resumed: the canary finished meanwhile, so the campaign moves on to the rest at once.
        c = await engine.ResumeAsync(c.Id);
        Assert.Equal(CampaignState.Rolling, c.State);
        Assert.Equal(18, _wire.Retained.Count);

        // Paused while rolling, resumed into rolling; an aborted one can be neither.
        Assert.Equal(CampaignState.Paused, (await engine.PauseAsync(c.Id)).State);
        Assert.Equal(18, _wire.Retained.Count); // offered devices keep their offer
        Assert.Equal(CampaignState.Rolling, (await engine.ResumeAsync(c.Id)).State);
        await engine.PauseAsync(c.Id);
        Assert.Equal(CampaignState.Aborted, (await engine.AbortAsync(c.Id)).State);
        Assert.Empty(_wire.Retained);
        Assert.Contains("only a canary or rolling", (await Assert.ThrowsAsync<InvalidOperationException>(() => engine.PauseAsync(c.Id))).Message);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => engine.PauseAsync("c-unknown"));
    }

    [Fact]
    public async Task A_campaign_paused_in_its_canary_resumes_into_the_canary_and_still_halts_on_its_failures()
    {
        var engine = Engine();
        var c = await engine.CreateAsync(Request(canary: 20, threshold: 1.0), Fleet(10));
        var canary = Wave(c, CampaignEngine.CanaryWave);
        await engine.PauseAsync(c.Id);
        await engine.Result(canary[0], c.Id, false, "1.0.0", "hash-mismatch: File0.pe");
        Assert.Equal(CampaignState.Paused, (await engine.GetAsync(c.Id))!.State); // counted on resume, not while paused
        c = await engine.ResumeAsync(c.Id);
        Assert.Equal(CampaignState.Halted, c.State);
        Assert.StartsWith("canary: 1 of 2 failed", c.StateReason);
        Assert.Single(_wire.Retained); // the other canary device still has its offer, nobody else got one
    }

    [Fact]
    public async Task Chunk_requests_get_exactly_the_asked_range_with_its_crc_and_nothing_outside_the_campaign()
    {
        var engine = Engine();
        byte[] package = OtaTestPackages.Make("2.0.0", 3000, 5000);
        var c = await engine.CreateAsync(Request() with { Package = package, ChunkSize = 1024 }, Fleet(1));
        string device = c.Devices.Keys.Single();
        var parsed = FirmwarePackage.Parse(package);
        await engine.Request(device, c.Id, 1, 4096, 2048); // clipped to the chunk size, then to the file's end
        var chunk = OtaMessages.DecodeChunk(_wire.Chunks(device).Single());
        Assert.Equal((1, 4096, 904), (chunk.FileIndex, chunk.Offset, chunk.Data.Length));
        Assert.Equal(parsed.FileContent(package, 1).AsSpan(4096, 904).ToArray(), chunk.Data);
        Assert.Equal(Crc32.Compute(chunk.Data, 0, chunk.Data.Length), chunk.Crc);
        await engine.Request(device, c.Id, 2, 0, 100);      // no such file
        await engine.Request(device, c.Id, 0, 3000, 100);   // past the end
        await engine.Request(device, "c-other", 0, 0, 100); // another campaign
        await engine.Request("esp32-stranger", c.Id, 0, 0, 100);
        Assert.Single(_wire.Chunks(device));
        Assert.Empty(_wire.Chunks("esp32-stranger"));
    }

    [Fact]
    public async Task Malformed_reports_are_dropped_without_stopping_the_engine()
    {
        var engine = Engine();
        var c = await engine.CreateAsync(Request(), Fleet(10));
        string device = Wave(c, CampaignEngine.CanaryWave).Single();
        await engine.HandleAsync($"nodes/{device}/ota/result", [0xff, 0x00]);
        await engine.HandleAsync($"nodes/{device}/ota/progress", [0xa1, 0x61, 0x63, 0x01]);
        await engine.HandleAsync($"nodes/{device}/ota/req", []);
        await engine.HandleAsync("nodes/x/telemetry", [1, 2, 3]);
        await engine.Result(device, c.Id, true, "2.0.0");
        Assert.Equal(DeviceOtaState.Succeeded, (await engine.GetAsync(c.Id))!.Devices[device].State);
    }

    [Fact]
    public async Task A_repeated_result_clears_the_offer_again_but_is_counted_once()
    {
        var engine = Engine();
        var c = await engine.CreateAsync(Request(), Fleet(10));
        string device = Wave(c, CampaignEngine.CanaryWave).Single();
        await engine.Result(device, c.Id, true, "2.0.0");
        await engine.Result(device, c.Id, true, "2.0.0");
        Assert.Single(_outcomes);
        Assert.Equal(2, _wire.Published.Count(p => p.Topic == OtaTopics.Offer(device) && p.Payload.Length == 0));
    }

    [Fact]
    public async Task An_overdue_offer_is_published_again_and_offers_are_republished_after_a_reconnection()
    {
        var engine = new CampaignEngine(_store, _wire, _time) { RepeatOfferAfter = TimeSpan.FromMinutes(10), ReleasePublicKey = OtaTestPackages.ReleasePublicKey };
        var c = await engine.CreateAsync(Request(), Fleet(10));
        string device = Wave(c, CampaignEngine.CanaryWave).Single();
        int Offers() => _wire.Published.Count(p => p.Topic == OtaTopics.Offer(device) && p.Payload.Length > 0);
        _time.Now = T0 + TimeSpan.FromMinutes(9);
        await engine.TickAsync();
        Assert.Equal(1, Offers());
        _time.Now = T0 + TimeSpan.FromMinutes(10);
        await engine.TickAsync();
        await engine.TickAsync();
        Assert.Equal(2, Offers());
        await engine.RepublishOffersAsync();
        Assert.Equal(3, Offers());
    }

    [Fact]
    public async Task A_broker_that_refuses_a_publish_does_not_lose_the_campaign_state()
    {
        var engine = Engine();
        _wire.Fail = true;
        var c = await engine.CreateAsync(Request(), Fleet(10));
        Assert.Equal(CampaignState.Canary, c.State);
        _wire.Fail = false;
        await engine.RepublishOffersAsync();
        Assert.True(_wire.HasOffer(Wave(c, CampaignEngine.CanaryWave).Single()));
    }

    [Fact]
    public async Task Bad_requests_are_refused_with_their_reason()
    {
        var engine = Engine();
        var fleet = Fleet(5);
        Assert.Contains("canaryPercent", (await Assert.ThrowsAsync<ArgumentException>(() => engine.CreateAsync(Request(canary: 0), fleet))).Message);
        Assert.Contains("successThreshold", (await Assert.ThrowsAsync<ArgumentException>(() => engine.CreateAsync(Request(threshold: 1.5), fleet))).Message);
        Assert.Contains("exactly one", (await Assert.ThrowsAsync<ArgumentException>(() => engine.CreateAsync(Request() with { Version = "2.0.0" }, fleet))).Message);
        Assert.Contains("cohort is empty", (await Assert.ThrowsAsync<ArgumentException>(() => engine.CreateAsync(Request(), Fleet(5, firmware: "0.9.0")))).Message);
        Assert.Contains("firmware package", (await Assert.ThrowsAsync<ArgumentException>(() => engine.CreateAsync(Request() with { Package = [1, 2, 3] }, fleet))).Message);
        Assert.Contains("no firmware repository", (await Assert.ThrowsAsync<ArgumentException>(() => engine.CreateAsync(Request() with { Package = null, Version = "2.0.0" }, fleet))).Message);
        Assert.Empty(await engine.ListAsync());
    }

    [Fact]
    public async Task With_a_release_key_a_package_whose_signature_does_not_verify_is_refused_before_any_offer()
    {
        var engine = new CampaignEngine(_store, _wire, _time) { ReleasePublicKey = Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a") };
        var e = await Assert.ThrowsAsync<ArgumentException>(() => engine.CreateAsync(Request(), Fleet(5)));
        Assert.Contains("refused", e.Message);
        Assert.Empty(_wire.Published);
    }

    [Fact]
    public async Task Without_a_release_key_no_campaign_is_created_stored_or_offered()
    {
        var engine = new CampaignEngine(_store, _wire, _time, new FirmwareRepositoryReader(Path.GetTempPath()));
        foreach (var request in new[] { Request(), Request() with { Start = false }, Request() with { Package = null, Version = "2.0.0" } })
        {
            var e = await Assert.ThrowsAsync<ArgumentException>(() => engine.CreateAsync(request, Fleet(5)));
            Assert.Contains("no release public key", e.Message);
            Assert.Contains("--release-pub", e.Message);
        }
        Assert.Empty(await _store.LoadAllAsync());
        Assert.Empty(await engine.ListAsync());
        Assert.Empty(_wire.Published);
    }

    [Fact]
    public async Task A_package_signed_by_another_key_unsigned_or_with_a_tampered_manifest_is_refused_before_anything_is_stored()
    {
        var engine = Engine();
        byte[] genuine = OtaTestPackages.Make("2.0.0");
        var forged = new (string Case, byte[] Package, string Reason)[]
        {
            ("another key", OtaTestPackages.MakeSignedBy(OtaTestPackages.Stranger, "2.0.0"), "unknown-key"),
            ("another key naming the release key's id", OtaTestPackages.Tampered(genuine, m => { }, resignWith: OtaTestPackages.Stranger), "bad-signature"),
            ("no signature", OtaTestPackages.WithSignature(genuine, new byte[64]), "bad-signature"),
            ("a newer version", OtaTestPackages.Tampered(genuine, m => m.Version = FirmwareVersion.Parse("9.0.0")), "bad-signature"),
            ("a higher security version", OtaTestPackages.Tampered(genuine, m => m.SecurityVersion = 7), "bad-signature"),
            ("another file hash", OtaTestPackages.Tampered(genuine, m => m.Files[0] = new ManifestFile("File0.pe", m.Files[0].Size, new byte[32])), "bad-signature"),
        };
        foreach (var (what, package, reason) in forged)
        {
            var e = await Assert.ThrowsAsync<ArgumentException>(() => engine.CreateAsync(Request() with { Package = package }, Fleet(5)));
            Assert.True(e.Message.Contains("refused") && e.Message.Contains(reason), $"{what}: {e.Message}");
        }
        Assert.Empty(await _store.LoadAllAsync());
        Assert.Empty(_wire.Published);
        // The genuine package still goes through.
        await engine.CreateAsync(Request() with { Package = genuine }, Fleet(5));
    }

    [Fact]
    public async Task A_downgrade_authorization_signed_by_another_key_is_refused()
    {
        var engine = Engine();
        var fleet = Fleet(3, firmware: "2.0.0");
        byte[] package = OtaTestPackages.Make("1.5.0");
        var ids = fleet.Select(d => d.Id).ToArray();
        CampaignRequest With(byte[] auth) => Request("1.5.0", canary: 100) with { Package = package, Cohort = new CohortFilter(OtaTestPackages.Board, "2.0.0"), DowngradeAuthorization = auth };
        var stranger = OtaTestPackages.Authorization(package, ids, signer: OtaTestPackages.Stranger);
        var strangerClaimingTheReleaseKey = OtaTestPackages.Authorization(package, ids, signer: OtaTestPackages.Stranger,
            tweak: a => a.KeyId = OtaTestPackages.Release.KeyId);
        foreach (var forged in new[] { stranger, strangerClaimingTheReleaseKey })
            Assert.Contains("not signed by the release key", (await Assert.ThrowsAsync<ArgumentException>(() => engine.CreateAsync(With(forged), fleet))).Message);
        Assert.Empty(await _store.LoadAllAsync());
        Assert.Empty(_wire.Published);
        Assert.True((await engine.CreateAsync(With(OtaTestPackages.Authorization(package, ids)), fleet)).IsDowngrade);
    }

    [Fact]
    public async Task A_cohort_with_devices_on_a_board_the_package_does_not_list_is_refused()
    {
        var engine = Engine();
        var fleet = Fleet(4).Concat(Fleet(2, board: "other-board").Select(d => d with { Id = d.Id + "-o" })).ToList();
        var e = await Assert.ThrowsAsync<ArgumentException>(() => engine.CreateAsync(Request() with { Cohort = new CohortFilter(Firmware: "1.0.0") }, fleet));
        Assert.Contains("not built for board 'other-board' of 2 device(s)", e.Message);
        Assert.Empty(_wire.Published);
        Assert.Equal(4, (await engine.CreateAsync(Request(), fleet)).Devices.Count); // the cohort's board narrows it
    }

    [Fact]
    public async Task A_stored_campaign_whose_package_does_not_verify_is_shown_but_never_offered_served_ticked_or_resumed()
    {
        var fleet = Fleet(4);
        Campaign Stored(string id, CampaignState state) => new()
        {
            Id = id, Name = "planted", TargetVersion = "2.0.0", Cohort = new CohortFilter(OtaTestPackages.Board), CanaryPercent = 25,
            SuccessThreshold = 0, Window = TimeSpan.FromHours(1), ChunkSize = 1024, CreatedAt = T0, UpdatedAt = T0, State = state,
            Package = OtaTestPackages.MakeSignedBy(OtaTestPackages.Stranger, "2.0.0"),
            Devices =
            {
                [fleet[0].Id] = new CampaignDevice { DeviceId = fleet[0].Id, Wave = CampaignEngine.CanaryWave, State = DeviceOtaState.Offered, OfferedAt = T0 },
                [fleet[1].Id] = new CampaignDevice { DeviceId = fleet[1].Id, Wave = CampaignEngine.RestWave },
            },
        };
        await _store.SaveCampaignAsync(Stored("c-planted", CampaignState.Canary));
        await _store.SaveCampaignAsync(Stored("c-planted-draft", CampaignState.Draft));
        var engine = Engine();
        await engine.LoadAsync();

        var shown = (await engine.GetAsync("c-planted"))!;
        Assert.Contains("unknown-key", shown.TrustProblem);
        await engine.RepublishOffersAsync();
        _time.Now = T0 + TimeSpan.FromHours(2);
        await engine.TickAsync();
        await engine.Request(fleet[0].Id, "c-planted", 0, 0, 512);
        Assert.Empty(_wire.Published);
        Assert.Equal(DeviceOtaState.Offered, (await engine.GetAsync("c-planted"))!.Devices[fleet[0].Id].State); // frozen, not timed out
        // A result is recorded (and the device's retained offer cleared), but the campaign moves on to no further wave.
        await engine.Result(fleet[0].Id, "c-planted", true, "2.0.0");
        Assert.All(_wire.Published, p => Assert.Empty(p.Payload));
        Assert.Equal(CampaignState.Canary, (await engine.GetAsync("c-planted"))!.State);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.ResumeAsync("c-planted-draft"));
        Assert.Contains("not resumed", refused.Message);
        Assert.Contains("unknown-key", refused.Message);
        Assert.All(_wire.Published, p => Assert.Empty(p.Payload));
        Assert.Equal(CampaignState.Aborted, (await engine.AbortAsync("c-planted")).State);
    }

    [Fact]
    public async Task A_campaign_stored_by_a_receiver_without_the_key_is_served_only_by_one_whose_key_verifies_it()
    {
        var c = await Engine().CreateAsync(Request() with { Start = false }, Fleet(10));
        var keyless = new CampaignEngine(_store, _wire, _time);
        await keyless.LoadAsync();
        Assert.Contains("--release-pub", (await keyless.GetAsync(c.Id))!.TrustProblem);
        Assert.Contains("--release-pub", (await Assert.ThrowsAsync<InvalidOperationException>(() => keyless.ResumeAsync(c.Id))).Message);
        var otherKey = new CampaignEngine(_store, _wire, _time) { ReleasePublicKey = OtaTestPackages.Stranger.PublicKey };
        await otherKey.LoadAsync();
        Assert.Contains("refused", (await Assert.ThrowsAsync<InvalidOperationException>(() => otherKey.ResumeAsync(c.Id))).Message);
        Assert.Empty(_wire.Published);

        var keyed = Engine();
        await keyed.LoadAsync();
        Assert.Null((await keyed.GetAsync(c.Id))!.TrustProblem);
        Assert.Equal(CampaignState.Canary, (await keyed.ResumeAsync(c.Id)).State);
        Assert.Single(_wire.Retained);
    }

    [Fact]
    public async Task A_draft_waits_for_resume()
    {
        var engine = Engine();
        var c = await engine.CreateAsync(Request() with { Start = false }, Fleet(10));
        Assert.Equal(CampaignState.Draft, c.State);
        Assert.Empty(_wire.Retained);
        c = await engine.ResumeAsync(c.Id);
        Assert.Equal(CampaignState.Canary, c.State);
        Assert.Single(_wire.Retained);
    }
}
