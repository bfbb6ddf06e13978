using NodeFirmware.Core.Ota;

namespace NodeFirmware.Core.Tests.Ota;

/// <summary>The OTA client against a fake cloud, through reboots, the Loader, outages and bad input.</summary>
public class OtaClientEndToEndTests : IDisposable
{
    private readonly TestRelease _release = new();
    private readonly TestImage _v1;
    private readonly TestImage _v2;

    public OtaClientEndToEndTests()
    {
        _v1 = _release.MakeImage("1.0.0+1", new[] { 3000, 700 }, seed: 1);
        _v2 = _release.MakeImage("1.1.0+2", new[] { 5000, 1024, 0, 2500 }, seed: 2);
    }

    public void Dispose() => _release.Dispose();

    private OtaDevice NewDevice(int seed = 1)
    {
        var device = new OtaDevice(_release.PublicKey, seed);
        device.Manufacture(_v1);
        device.Boot();
        return device;
    }

    /// <summary>Sessions and reboots until the cloud holds a result for the campaign (or the budget runs out).</summary>
    private static void RunUntilResult(OtaDevice device, FakeCloud cloud, string campaign, int maxWakes = 40, bool healthy = true)
    {
        for (int wake = 0; wake < maxWakes && !cloud.Results.Any(r => r.Campaign == campaign); wake++)
        {
            device.Session(cloud, healthy: healthy);
            if (device.Client!.RebootRequested || !healthy) device.Boot();
        }
    }

    private static void AssertSlotHolds(OtaDevice device, int slot, TestImage image)
    {
        var m = ManifestCodec.Decode(image.Manifest);
        for (int i = 0; i < image.Files.Length; i++)
        {
            var buffer = new byte[image.Files[i].Length];
            int n = buffer.Length == 0 ? 0 : device.Memory.Read(slot, m.Files[i].Name, 0, buffer, 0, buffer.Length);
            Assert.Equal(buffer.Length, n);
            Assert.Equal(image.Files[i], buffer);
        }
    }

    [Fact]
    public void An_offer_is_downloaded_verified_booted_as_trial_confirmed_and_reported()
    {
        var device = NewDevice();
        var cloud = new FakeCloud();
        cloud.Offer("c-1", _v2);

        device.Session(cloud);
        Assert.True(device.Client!.RebootRequested);
        var state = device.BootStore.Load()!;
        Assert.Equal(SlotLayout.SlotB, state.TrialSlot);
        Assert.Equal(SlotVerdict.Trial, state.Verdicts[SlotLayout.SlotB]);
        Assert.Contains(cloud.Progress, p => p.State == OtaClient.StateRebooting);
        AssertSlotHolds(device, SlotLayout.SlotB, _v2);

        var boot = device.Boot();
        Assert.Equal(SlotLayout.SlotB, boot.Slot);
        Assert.True(boot.Trial);
        Assert.True(device.Client!.ConfirmPending);
        device.Session(cloud);

        var result = Assert.Single(cloud.Results);
        Assert.Equal(("c-1", true, "1.1.0+2", (string?)null), result);
        state = device.BootStore.Load()!;
        Assert.Equal(SlotLayout.SlotB, state.ActiveSlot);
        Assert.Equal(BootState.NoSlot, state.TrialSlot);
        Assert.Equal(SlotVerdict.Valid, state.Verdicts[SlotLayout.SlotA]);
        Assert.Equal(SlotVerdict.Valid, state.Verdicts[SlotLayout.SlotB]);

        // The retained offer seen again on the next wake is answered with the same result, not installed again.
        device.Boot();
        int requests = cloud.Requests.Count;
        device.Session(cloud);
        Assert.Equal(requests, cloud.Requests.Count);
        Assert.Equal(2, cloud.Results.Count);
        Assert.True(cloud.Results[1].Ok);
    }

    [Fact]
    public void Chunks_arriving_out_of_order_are_reassembled()
    {
        var device = NewDevice();
        var cloud = new FakeCloud();
        cloud.Offer("c-shuffle", _v2, chunkSize: 300);
        device.Session(cloud, shuffle: new Random(3));
        Assert.True(device.Client!.RebootRequested);
        AssertSlotHolds(device, SlotLayout.SlotB, _v2);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(22)]
    [InlineData(33)]
    [InlineData(44)]
    public void Power_cuts_and_lost_chunks_at_random_points_still_end_in_the_new_image(int seed)
    {
        var random = new Random(seed);
        var device = NewDevice(seed);
        var cloud = new FakeCloud(seed) { DropRate = 0.1, DamageRate = 0.05 };
        cloud.Offer("c-rough", _v2, chunkSize: 128);
        int cuts = 0;
        for (int wake = 0; wake < 200 && !cloud.Results.Any(); wake++)
        {
            try
            {
                if (wake < 3 || random.Next(2) == 0) device.Rail.CutAtWrite = device.Rail.Writes + random.Next(0, 25);
                if (device.Client == null) device.Boot();
                device.Session(cloud, maxRounds: random.Next(2, 12));
                if (device.Client!.RebootRequested) device.Boot();
                device.Rail.CutAtWrite = -1;
            }
            catch (PowerCutException)
            {
                cuts++;
                device.Rail.Restore();
                device.Boot(); // throws if the device were left without a bootable slot
            }
        }
        Assert.True(cuts > 0, "the scenario cut the power at least once");
        Assert.Equal(("c-rough", true, "1.1.0+2", (string?)null), cloud.Results.Last());
        Assert.Equal("1.1.0+2", device.RunningVersion);
        AssertSlotHolds(device, SlotLayout.SlotB, _v2);
    }

    [Fact]
    public void A_download_resumes_from_what_the_slot_holds_after_a_reboot_without_a_new_offer()
    {
        var device = NewDevice();
        var cloud = new FakeCloud();
        cloud.Offer("c-resume", _v2, chunkSize: 500);
        device.Session(cloud, maxRounds: 4);
        Assert.Equal(OtaCursor.Downloading, device.Client!.Cursor.Phase);
        int requestsBefore = cloud.Requests.Count;
        long bytesBefore = device.Memory.UsedBytes(SlotLayout.SlotB);

        device.Boot();
        cloud.RetainedOffer = null; // the broker lost the retained offer: the cursor alone must carry on
        device.Session(cloud);
        Assert.True(device.Client!.RebootRequested);
        AssertSlotHolds(device, SlotLayout.SlotB, _v2);
        long requested = cloud.Requests.Skip(requestsBefore).Sum(r => (long)r.Length);
        long total = _v2.Files.Sum(f => (long)f.Length) + _v2.Manifest.Length + 64;
        Assert.True(requested <= total - bytesBefore + 2 * 500 * 4, $"resumed, not restarted: asked for {requested} bytes again");
    }

    [Fact]
    public void A_lost_answer_overtaken_by_a_later_one_is_asked_for_again_at_once()
    {
        var device = NewDevice();
        var cloud = new FakeCloud();
        cloud.Offer("c-overtaken", _v2);
        var client = device.Client!;
        client.OnHealthSignal(NodeFirmware.Core.Node.NodeHealthSignal.BrokerReached);
        client.OnMessage("nodes/" + OtaDevice.DeviceId + "/ota/offer", cloud.RetainedOffer!);
        var first = Requests(client);
        Assert.True(first.Count >= 2, "a window of requests");
        device.Clock.Advance(100);
        foreach (var (payload, request) in first.Skip(1)) // the answer to the first request is lost on the way
            client.OnMessage("nodes/" + OtaDevice.DeviceId + "/ota/chunk", cloud.Answer(payload)!);
        var next = Requests(client); // the clock is nowhere near the chunk timeout
        Assert.Contains(next, r => r.Request.Offset == first[0].Request.Offset && r.Request.FileIndex == first[0].Request.FileIndex);
    }

    private static List<(byte[] Payload, OtaChunkRequest Request)> Requests(OtaClient client)
    {
        var outbox = new System.Collections.ArrayList();
        client.TakeOutbound(outbox);
        return outbox.Cast<NodeFirmware.Core.Node.PendingPublish>().Where(p => p.Topic.EndsWith("/ota/req"))
            .Select(p => (p.Payload, OtaMessages.DecodeRequest(p.Payload))).ToList();
    }

    [Fact]
    public void A_damaged_chunk_is_asked_for_again_and_the_update_succeeds()
    {
        var device = NewDevice();
        var cloud = new FakeCloud(5) { DamageRate = 0.3 };
        cloud.Offer("c-damage", _v2);
        RunUntilResult(device, cloud, "c-damage");
        Assert.True(cloud.Results.Single().Ok);
        Assert.True(cloud.Requests.Count > _v2.Files.Sum(f => (f.Length + 511) / 512), "damaged chunks were requested again");
    }

    [Fact]
    public void A_forged_chunk_with_a_matching_crc_fails_the_hash_and_the_slot_never_becomes_a_trial()
    {
        var device = NewDevice();
        var cloud = new FakeCloud { ForgeFile = 1 };
        cloud.Offer("c-forged", _v2);
        RunUntilResult(device, cloud, "c-forged");
        var result = cloud.Results.Single();
        Assert.False(result.Ok);
        Assert.StartsWith(OtaFailure.HashMismatch, result.Err);
        Assert.Contains("Part1.pe", result.Err);
        var state = device.BootStore.Load()!;
        Assert.Equal(BootState.NoSlot, state.TrialSlot);
        Assert.NotEqual(SlotVerdict.Trial, state.Verdicts[SlotLayout.SlotB]);
        Assert.False(device.Client!.RebootRequested);
        Assert.Equal(SlotLayout.SlotA, device.Boot().Slot);
    }

    [Fact]
    public void A_wrong_signature_is_refused_before_anything_is_written()
    {
        var device = NewDevice();
        var cloud = new FakeCloud();
        var forged = _v2 with { Signature = _v2.Signature.ToArray() };
        forged.Signature[10] ^= 0x20;
        cloud.Offer("c-badsig", forged);
        device.Session(cloud);
        var result = cloud.Results.Single();
        Assert.False(result.Ok);
        Assert.StartsWith(OtaFailure.BadSignature, result.Err);
        Assert.Empty(cloud.Requests);
        Assert.Empty(device.Memory.List(SlotLayout.SlotB));
    }

    [Fact]
    public void A_package_signed_by_another_key_names_that_key()
    {
        using var other = new TestRelease();
        var device = NewDevice();
        var cloud = new FakeCloud();
        cloud.Offer("c-otherkey", other.MakeImage("2.0.0", new[] { 100 }, seed: 9));
        device.Session(cloud);
        var result = cloud.Results.Single();
        Assert.StartsWith(OtaFailure.UnknownKey, result.Err);
        Assert.Contains(Convert.ToHexStringLower(other.KeyId), result.Err);
    }

    [Fact]
    public void An_image_for_another_board_is_refused()
    {
        var device = NewDevice();
        var cloud = new FakeCloud();
        cloud.Offer("c-board", _release.MakeImage("2.0.0", new[] { 100 }, seed: 9, boards: new[] { "firebeetle-esp32" }));
        device.Session(cloud);
        Assert.StartsWith(OtaFailure.BoardMismatch, cloud.Results.Single().Err);
        Assert.Empty(cloud.Requests);
    }

    [Fact]
    public void An_image_needing_a_newer_loader_is_refused()
    {
        var device = NewDevice();
        var cloud = new FakeCloud();
        cloud.Offer("c-loader", _release.MakeImage("2.0.0", new[] { 100 }, seed: 9, minLoader: 2));
        device.Session(cloud);
        Assert.StartsWith(OtaFailure.LoaderTooOld, cloud.Results.Single().Err);
    }

    [Fact]
    public void A_downgrade_is_refused_without_a_signed_authorization_and_installed_with_one()
    {
        var device = NewDevice();
        var older = _release.MakeImage("0.9.5", new[] { 800 }, seed: 7);
        var cloud = new FakeCloud();
        cloud.Offer("c-down", older);
        device.Session(cloud);
        Assert.StartsWith(OtaFailure.NotNewer, cloud.Results.Single().Err);
        Assert.Empty(cloud.Requests);

        var same = _release.MakeImage("1.0.0+1", new[] { 800 }, seed: 7);
        cloud.Offer("c-same", same);
        device.Session(cloud);
        Assert.StartsWith(OtaFailure.NotNewer, cloud.Results.Last().Err);

        cloud.Offer("c-down-allowed", older, _release.Authorize(older, counter: 1));
        RunUntilResult(device, cloud, "c-down-allowed");
        Assert.True(cloud.Results.Last().Ok);
        Assert.Equal("0.9.5", device.RunningVersion);
    }

    [Fact]
    public void A_trial_that_never_gets_healthy_is_reverted_by_the_loader_and_reported()
    {
        var device = NewDevice();
        var cloud = new FakeCloud();
        cloud.Offer("c-sick", _v2);
        device.Session(cloud);
        Assert.True(device.Client!.RebootRequested);

        for (int boot = 1; boot <= device.TrialAttempts; boot++)
        {
            var d = device.Boot();
            Assert.Equal(SlotLayout.SlotB, d.Slot);
            Assert.True(d.Trial);
            device.Session(cloud, healthy: false);
            Assert.Empty(cloud.Results);
        }
        var back = device.Boot();
        Assert.Equal(SlotLayout.SlotA, back.Slot);
        Assert.Contains("reverted", back.Log);
        device.Session(cloud);
        var result = cloud.Results.Single();
        Assert.False(result.Ok);
        Assert.Equal("1.0.0+1", result.Fw);
        Assert.StartsWith(OtaFailure.RolledBack, result.Err);
        Assert.Equal(SlotVerdict.Invalid, device.BootStore.Load()!.Verdicts[SlotLayout.SlotB]);
    }

    [Fact]
    public void A_rollback_result_survives_wakes_without_a_connection_and_goes_out_once()
    {
        var device = NewDevice();
        var cloud = new FakeCloud();
        cloud.Offer("c-sick", _v2);
        device.Session(cloud);
        for (int boot = 1; boot <= device.TrialAttempts; boot++)
        {
            device.Boot();
            device.Session(cloud, healthy: false);
        }
        cloud.RetainedOffer = null; // the campaign does not offer again: only the device's own memory can report
        device.Boot();               // the Loader reverts; the result is recorded here...
        Assert.True(device.Client!.WantsHealthCheckNow, "a result waiting to go out asks for a connection in this wake");
        device.Boot();               // ...but the node sleeps before any connection (an outage)
        device.Boot();
        device.Session(cloud);
        Assert.StartsWith(OtaFailure.RolledBack, cloud.Results.Single().Err);
        device.Boot();
        device.Session(cloud);
        Assert.Single(cloud.Results); // handed out once, not on every wake after
    }

    [Fact]
    public void A_silent_cloud_stalls_the_download_and_after_enough_wakes_fails_it()
    {
        var device = NewDevice();
        var cloud = new FakeCloud { Silent = true };
        cloud.Offer("c-silent", _v2);
        for (int wake = 0; wake < 10 && !cloud.Results.Any(); wake++)
        {
            device.Session(cloud);
            Assert.False(device.Client!.Downloading, "gives up for this wake instead of keeping the radio on");
            device.Boot();
        }
        Assert.Contains(cloud.Progress, p => p.State == OtaClient.StateStalled);
        Assert.StartsWith(OtaFailure.Stalled, cloud.Results.Single().Err);
        Assert.Equal(SlotLayout.SlotA, device.LastBoot!.Slot);
    }

    [Fact]
    public void A_new_campaign_supersedes_an_unfinished_download()
    {
        var device = NewDevice();
        var cloud = new FakeCloud();
        cloud.Offer("c-old", _v2);
        device.Session(cloud, maxRounds: 3);
        var v3 = _release.MakeImage("1.2.0", new[] { 1500 }, seed: 12);
        cloud.Offer("c-new", v3);
        RunUntilResult(device, cloud, "c-new");
        Assert.Contains(cloud.Results, r => r.Campaign == "c-old" && !r.Ok && r.Err!.StartsWith(OtaFailure.Superseded));
        Assert.Contains(cloud.Results, r => r.Campaign == "c-new" && r.Ok);
        Assert.Equal("1.2.0", device.RunningVersion);
    }

    [Fact]
    public void An_offer_during_an_unconfirmed_trial_is_answered_busy()
    {
        var device = NewDevice();
        var cloud = new FakeCloud();
        cloud.Offer("c-1", _v2);
        device.Session(cloud);
        device.Boot();
        var v3 = _release.MakeImage("1.2.0", new[] { 1500 }, seed: 12);
        cloud.Offer("c-2", v3);
        device.Session(cloud, healthy: false);
        Assert.StartsWith(OtaFailure.Busy, cloud.Results.Single(r => r.Campaign == "c-2").Err);
    }

    [Fact]
    public void A_malformed_offer_is_reported_not_thrown()
    {
        var device = NewDevice();
        var cloud = new FakeCloud { RetainedOffer = new byte[] { 0xA1, 0x61, 0x63 } };
        device.Session(cloud);
        Assert.StartsWith(OtaFailure.BadOffer, cloud.Results.Single().Err);
    }

    [Fact]
    public void An_image_larger_than_the_slot_fails_with_a_storage_reason()
    {
        var device = NewDevice();
        var cloud = new FakeCloud();
        var huge = _release.MakeImage("3.0.0", new[] { 200 * 1024, 100 * 1024 }, seed: 4);
        cloud.Offer("c-huge", huge, chunkSize: 4096);
        RunUntilResult(device, cloud, "c-huge");
        var result = cloud.Results.Single();
        Assert.False(result.Ok);
        Assert.StartsWith(OtaFailure.Storage, result.Err);
        Assert.Contains("full", result.Err);
        Assert.Equal(SlotLayout.SlotA, device.Boot().Slot);
    }
}
