using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Ota;

namespace NodeFirmware.Core.Tests.Ota;

/// <summary>
/// Issue 17's finding, replayed: offers recorded from real campaigns (upgrades, an authorized downgrade, a refused
/// one) are played back byte for byte, in every order, across reboots, and with the campaign id changed. The device
/// stays on its version, its slots and boot state untouched.
/// </summary>
public class OtaReplayTests : IDisposable
{
    private readonly TestRelease _release = new();
    private readonly TestImage _v100;
    private readonly TestImage _v110;
    private readonly TestImage _v120;
    private readonly TestImage _v095;

    public OtaReplayTests()
    {
        _v095 = _release.MakeImage("0.9.5", new[] { 900 }, seed: 95, svn: 0);
        _v100 = _release.MakeImage("1.0.0", new[] { 1500, 300 }, seed: 100, svn: 1);
        _v110 = _release.MakeImage("1.1.0", new[] { 1700 }, seed: 110, svn: 1);
        _v120 = _release.MakeImage("1.2.0", new[] { 2100, 100 }, seed: 120, svn: 2);
    }

    public void Dispose() => _release.Dispose();

    private static void RunUntilResult(OtaDevice device, FakeCloud cloud, string campaign)
    {
        for (int wake = 0; wake < 20 && !cloud.Results.Any(r => r.Campaign == campaign); wake++)
        {
            device.Session(cloud);
            if (device.Client!.RebootRequested) device.Boot();
        }
        Assert.Contains(cloud.Results, r => r.Campaign == campaign);
    }

    /// <summary>
    /// The history an eavesdropper records: 1.0.0 (factory) → 1.1.0 → authorized downgrade to 1.0.0 → 1.2.0, plus an
    /// old 0.9.5 offer that was refused. Returns the device on 1.2.0 and the cloud holding the recorded offers.
    /// </summary>
    private (OtaDevice Device, FakeCloud Cloud) History()
    {
        var device = new OtaDevice(_release.PublicKey);
        device.Manufacture(_v100);
        device.Boot();
        var cloud = new FakeCloud();
        cloud.Offer("c-old-095", _v095);
        device.Session(cloud);
        Assert.StartsWith(OtaFailure.BelowFloor, cloud.Results.Last().Err);

        cloud.Offer("c-110", _v110);
        RunUntilResult(device, cloud, "c-110");
        Assert.Equal("1.1.0", device.RunningVersion);

        cloud.Offer("c-back-100", _v100, _release.Authorize(_v100, counter: 1));
        RunUntilResult(device, cloud, "c-back-100");
        Assert.Equal("1.0.0", device.RunningVersion);

        cloud.Offer("c-120", _v120);
        RunUntilResult(device, cloud, "c-120");
        Assert.Equal("1.2.0", device.RunningVersion);
        var state = device.BootStore.Load()!;
        Assert.Equal((2, "1.2.0", 1L), (state.SecurityFloor, state.HighestVersion, state.DowngradeCounter));
        return (device, cloud);
    }

    private static void AssertUnchanged(OtaDevice device, byte[] bootBefore, string version)
    {
        Assert.Equal(version, device.RunningVersion);
        Assert.Equal(bootBefore, BootStateCodec.Encode(device.BootStore.Load()!));
        Assert.False(device.Client!.Downloading);
    }

    [Fact]
    public void Every_recorded_offer_replayed_in_every_order_across_reboots_leaves_the_device_on_its_version()
    {
        var (device, cloud) = History();
        var recorded = cloud.Offers.ToList();
        Assert.Equal(4, recorded.Count);
        byte[] boot = BootStateCodec.Encode(device.BootStore.Load()!);
        int progressBefore = cloud.Progress.Count, resultsBefore = cloud.Results.Count;
        int orders = 0, boots = 0;
        foreach (var order in Permutations(Enumerable.Range(0, recorded.Count).ToArray()))
        {
            foreach (int i in order)
            {
                cloud.Replay(recorded[i]);
                device.Session(cloud);
                AssertUnchanged(device, boot, "1.2.0");
                if ((orders + i) % 2 == 0) { device.Boot(); boots++; }
            }
            orders++;
        }
        Assert.Equal(24, orders);
        Assert.True(boots > 10);
        // Each refusal names the rule that stopped it; nothing was ever downloaded or installed.
        var replayed = cloud.Results.Skip(resultsBefore).ToList();
        Assert.All(replayed, r => Assert.Equal("1.2.0", r.Fw));
        var codes = replayed.Where(r => !r.Ok).Select(r => r.Err!.Split(':')[0]).ToHashSet();
        Assert.Subset(new HashSet<string> { OtaFailure.BelowFloor, OtaFailure.NotNewer }, codes);
        Assert.Contains(OtaFailure.BelowFloor, codes);
        Assert.Empty(cloud.Progress.Skip(progressBefore)); // not one offer accepted

    }

    [Fact]
    public void A_spent_authorization_under_a_new_campaign_id_is_refused_as_used()
    {
        // Before the 1.2.0 floor: 1.1.0 → authorized 1.0.0, then the attacker re-wraps the downgrade under new ids.
        var device = new OtaDevice(_release.PublicKey);
        device.Manufacture(_v100);
        device.Boot();
        var cloud = new FakeCloud();
        cloud.Offer("c-110", _v110);
        RunUntilResult(device, cloud, "c-110");
        var authorization = _release.Authorize(_v100, counter: 5);
        cloud.Offer("c-back", _v100, authorization);
        RunUntilResult(device, cloud, "c-back");
        Assert.Equal("1.0.0", device.RunningVersion);
        cloud.Offer("c-110-again", _v110);
        device.Session(cloud);
        var up = cloud.Results.Last();
        Assert.StartsWith(OtaFailure.NotNewer, up.Err); // 1.1.0 was confirmed here before: not an upgrade any more
        Assert.Contains("newest confirmed 1.1.0", up.Err);

        cloud.Offer("c-110-auth-replay", _v110, _release.Authorize(_v110, counter: 5));
        device.Session(cloud);
        Assert.Contains("counter 5 already used", cloud.Results.Last().Err);
        cloud.Offer("c-110-auth-older", _v110, _release.Authorize(_v110, counter: 4));
        device.Session(cloud);
        Assert.StartsWith(OtaFailure.BadAuthorization, cloud.Results.Last().Err);
        Assert.Equal("1.0.0", device.RunningVersion);

        // A fresh authorization (higher counter) is what an operator issues, and it works.
        cloud.Offer("c-110-auth-new", _v110, _release.Authorize(_v110, counter: 6));
        RunUntilResult(device, cloud, "c-110-auth-new");
        Assert.Equal("1.1.0", device.RunningVersion);
    }

    [Fact]
    public void A_legacy_dg_flag_in_an_offer_allows_nothing()
    {
        var device = new OtaDevice(_release.PublicKey);
        device.Manufacture(_v110);
        device.Boot();
        var w = new CborWriter();
        w.WriteStartMap(5);
        w.WriteText("c"); w.WriteText("c-dg");
        w.WriteText("m"); w.WriteBytes(_v100.Manifest);
        w.WriteText("sig"); w.WriteBytes(_v100.Signature);
        w.WriteText("dg"); w.WriteBoolean(true);
        w.WriteText("cs"); w.WriteInt32(512);
        var cloud = new FakeCloud { RetainedOffer = w.ToArray() };
        device.Session(cloud);
        Assert.StartsWith(OtaFailure.NotNewer, cloud.Results.Single().Err);
        Assert.Equal("1.1.0", device.RunningVersion);
    }

    [Fact]
    public void A_replayed_refusable_offer_does_not_cancel_a_download_in_progress()
    {
        var (device, cloud) = History();
        var old = cloud.Offers[1]; // c-110
        var v130 = _release.MakeImage("1.3.0", new[] { 6000 }, seed: 130, svn: 2);
        cloud.Offer("c-130", v130);
        device.Session(cloud, maxRounds: 2);
        Assert.True(device.Client!.Downloading);
        var live = (cloud.RetainedOffer!, v130);
        cloud.Replay(old);
        device.Client.OnMessage("nodes/" + OtaDevice.DeviceId + "/ota/offer", old.Payload);
        Assert.True(device.Client.Downloading, "the refused replay left the download alone");
        Assert.Equal("c-130", device.Client.Cursor.CampaignId);
        cloud.Replay(live);
        RunUntilResult(device, cloud, "c-130");
        Assert.Equal("1.3.0", device.RunningVersion);
        Assert.DoesNotContain(cloud.Results, r => r.Campaign == "c-130" && !r.Ok);
    }

    private static IEnumerable<int[]> Permutations(int[] items)
    {
        if (items.Length <= 1) { yield return items; yield break; }
        for (int i = 0; i < items.Length; i++)
        {
            var rest = items.Where((_, k) => k != i).ToArray();
            foreach (var tail in Permutations(rest)) yield return new[] { items[i] }.Concat(tail).ToArray();
        }
    }
}
