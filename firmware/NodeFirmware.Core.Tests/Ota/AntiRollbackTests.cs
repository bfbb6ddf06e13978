using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Ota;

namespace NodeFirmware.Core.Tests.Ota;

/// <summary>The anti-rollback floor: raised on confirm, never gone below by an offer or by the Loader, kept through power cuts.</summary>
public class AntiRollbackTests : IDisposable
{
    private readonly TestRelease _release = new();

    public void Dispose() => _release.Dispose();

    private static void RunUntilResult(OtaDevice device, FakeCloud cloud, string campaign, bool healthy = true)
    {
        for (int wake = 0; wake < 20 && !cloud.Results.Any(r => r.Campaign == campaign); wake++)
        {
            device.Session(cloud, healthy: healthy);
            if (device.Client!.RebootRequested || !healthy) device.Boot();
        }
    }

    private OtaDevice Device(TestImage factory)
    {
        var device = new OtaDevice(_release.PublicKey);
        device.Manufacture(factory);
        device.Boot();
        return device;
    }

    [Fact]
    public void The_floor_rises_only_when_the_new_image_confirms()
    {
        var device = Device(_release.MakeImage("1.0.0", new[] { 800 }, seed: 1, svn: 1));
        Assert.Equal(1, device.BootStore.Load()!.SecurityFloor);
        var cloud = new FakeCloud();
        cloud.Offer("c-2", _release.MakeImage("2.0.0", new[] { 900 }, seed: 2, svn: 4));
        device.Session(cloud);
        Assert.True(device.Client!.RebootRequested);
        Assert.Equal((1, 4), (device.BootStore.Load()!.SecurityFloor, device.BootStore.Load()!.SecurityVersions[SlotLayout.SlotB]));
        device.Boot();
        device.Session(cloud);
        Assert.True(cloud.Results.Single().Ok);
        Assert.Equal(4, device.BootStore.Load()!.SecurityFloor);
    }

    [Fact]
    public void A_trial_that_rolls_back_does_not_raise_the_floor()
    {
        var device = Device(_release.MakeImage("1.0.0", new[] { 800 }, seed: 1, svn: 1));
        var cloud = new FakeCloud();
        cloud.Offer("c-sick", _release.MakeImage("2.0.0", new[] { 900 }, seed: 2, svn: 9));
        RunUntilResult(device, cloud, "c-sick", healthy: false);
        Assert.StartsWith(OtaFailure.RolledBack, cloud.Results.Single().Err);
        Assert.Equal(("1.0.0", 1), (device.RunningVersion, device.BootStore.Load()!.SecurityFloor));
    }

    [Fact]
    public void An_offer_below_the_floor_is_refused_even_when_newer_or_authorized()
    {
        var device = Device(_release.MakeImage("1.2.0", new[] { 800 }, seed: 1, svn: 3));
        var cloud = new FakeCloud();
        var newerButOld = _release.MakeImage("1.3.0", new[] { 700 }, seed: 3, svn: 2);
        cloud.Offer("c-newer", newerButOld);
        device.Session(cloud);
        Assert.StartsWith(OtaFailure.BelowFloor, cloud.Results.Last().Err);
        Assert.Contains("security version 2", cloud.Results.Last().Err);
        Assert.Contains("floor is 3", cloud.Results.Last().Err);

        var old = _release.MakeImage("0.9.5", new[] { 700 }, seed: 4, svn: 0);
        cloud.Offer("c-authorized", old, _release.Authorize(old, counter: 1));
        device.Session(cloud);
        Assert.StartsWith(OtaFailure.BelowFloor, cloud.Results.Last().Err);
        Assert.Empty(cloud.Requests);
        Assert.Equal(0, device.BootStore.Load()!.DowngradeCounter); // nothing spent on a refused offer
    }

    [Fact]
    public void An_authorized_downgrade_at_the_floor_installs_and_spends_its_counter_before_the_download()
    {
        var device = Device(_release.MakeImage("1.2.0", new[] { 800 }, seed: 1, svn: 3));
        var back = _release.MakeImage("1.1.0", new[] { 3000 }, seed: 5, svn: 3);
        var cloud = new FakeCloud();
        cloud.Offer("c-back", back, _release.Authorize(back, counter: 7));
        device.Session(cloud, maxRounds: 1);
        Assert.Equal(7, device.BootStore.Load()!.DowngradeCounter); // on flash before a single chunk arrived
        device.Boot(); // a reboot mid-download: the download resumes, the counter stays spent
        RunUntilResult(device, cloud, "c-back");
        Assert.True(cloud.Results.Last().Ok);
        Assert.Equal("1.1.0", device.RunningVersion);
        var state = device.BootStore.Load()!;
        Assert.Equal((3, "1.2.0", 7L), (state.SecurityFloor, state.HighestVersion, state.DowngradeCounter));
    }

    [Fact]
    public void The_loader_refuses_a_slot_below_the_floor_and_falls_back()
    {
        var device = Device(_release.MakeImage("2.0.0", new[] { 800 }, seed: 1, svn: 5));
        var old = _release.MakeImage("1.0.0", new[] { 700 }, seed: 2, svn: 1);
        // Someone with write access to the slots puts an old, genuinely signed image in B as a trial.
        old.WriteTo(device.Memory, SlotLayout.SlotB);
        var s = device.BootStore.Load()!;
        s.Verdicts[SlotLayout.SlotB] = SlotVerdict.Trial;
        s.Versions[SlotLayout.SlotB] = "1.0.0";
        s.SecurityVersions[SlotLayout.SlotB] = 5; // even a record that lies about it
        s.TrialSlot = SlotLayout.SlotB;
        device.BootStore.Save(s);
        var boot = device.Boot();
        Assert.Equal(SlotLayout.SlotA, boot.Slot);
        Assert.Contains(OtaFailure.BelowFloor, boot.Log);
        Assert.Equal(SlotVerdict.Invalid, device.BootStore.Load()!.Verdicts[SlotLayout.SlotB]);
    }

    [Fact]
    public void After_a_confirm_the_loader_no_longer_falls_back_to_an_image_below_the_new_floor()
    {
        var device = Device(_release.MakeImage("1.0.0", new[] { 800 }, seed: 1, svn: 1));
        var cloud = new FakeCloud();
        cloud.Offer("c-2", _release.MakeImage("2.0.0", new[] { 900 }, seed: 2, svn: 2));
        RunUntilResult(device, cloud, "c-2");
        Assert.Equal("2.0.0", device.RunningVersion);
        // Slot B (2.0.0) is damaged: the old 1.0.0 in A is valid but below the floor, so nothing else boots.
        device.Memory.Write(SlotLayout.SlotB, "Part0.pe", 10, new byte[] { 0x55 }, 0, 1);
        var decision = device.Loader().Select();
        Assert.Equal(BootState.NoSlot, decision.Slot);
        Assert.Contains(OtaFailure.BelowFloor, decision.Log);
    }

    [Fact]
    public void Without_a_readable_record_the_loader_adopts_the_slot_with_the_highest_security_version()
    {
        var device = new OtaDevice(_release.PublicKey);
        _release.MakeImage("1.0.0", new[] { 500 }, seed: 1, svn: 1).WriteTo(device.Memory, SlotLayout.SlotA);
        _release.MakeImage("1.5.0", new[] { 500 }, seed: 2, svn: 3).WriteTo(device.Memory, SlotLayout.SlotB);
        var decision = device.Loader().Select();
        Assert.Equal(SlotLayout.SlotB, decision.Slot);
        Assert.Equal(3, device.BootStore.Load()!.SecurityFloor);
    }

    [Fact]
    public void Power_cuts_at_every_write_of_an_authorized_downgrade_never_lower_the_floor_nor_reuse_the_counter()
    {
        var factory = _release.MakeImage("1.2.0", new[] { 900 }, seed: 1, svn: 2);
        var back = _release.MakeImage("1.1.0", new[] { 2500 }, seed: 5, svn: 2);
        var auth = _release.Authorize(back, counter: 3);
        // Count the writes of an uninterrupted run, then cut at each one.
        var probe = Device(factory);
        long before = probe.Rail.Writes;
        var cloud = new FakeCloud();
        cloud.Offer("c-back", back, auth);
        RunUntilResult(probe, cloud, "c-back");
        long total = probe.Rail.Writes - before;
        Assert.True(total > 5);
        for (long cut = 0; cut < total; cut++)
        {
            var device = Device(factory);
            device.Rail.CutAtWrite = device.Rail.Writes + cut;
            var c = new FakeCloud();
            c.Offer("c-back", back, auth);
            try { RunUntilResult(device, c, "c-back"); }
            catch (PowerCutException) { }
            device.Rail.Restore();
            device.Boot();
            RunUntilResult(device, c, "c-back");
            var s = device.BootStore.Load()!;
            var result = c.Results.Last(r => r.Campaign == "c-back");
            Assert.Equal(2, s.SecurityFloor);
            Assert.Equal(3, s.DowngradeCounter);
            // Either the downgrade went through, or a cut between spending the authorization and the cursor's write
            // left it spent with no download: the device then refuses it as used and stays where it was.
            if (result.Ok) Assert.Equal("1.1.0", device.RunningVersion);
            else Assert.Equal(("1.2.0", true), (device.RunningVersion, result.Err!.StartsWith(OtaFailure.BadAuthorization)));
            c.Offer("c-back-again", back, auth);
            RunUntilResult(device, c, "c-back-again");
            Assert.StartsWith(OtaFailure.BadAuthorization, c.Results.Last().Err);
        }
    }

    [Fact]
    public void A_version_1_boot_state_still_reads_with_floor_0()
    {
        var w = new CborWriter();
        w.WriteStartMap(6);
        w.WriteText("v"); w.WriteUInt64(1);
        w.WriteText("act"); w.WriteInt32(0);
        w.WriteText("trial"); w.WriteInt32(-1);
        w.WriteText("att"); w.WriteInt32(0);
        w.WriteText("max"); w.WriteInt32(3);
        w.WriteText("slots");
        w.WriteStartArray(2);
        w.WriteStartArray(2); w.WriteInt32(1); w.WriteText("1.0.0");
        w.WriteStartArray(2); w.WriteInt32(0); w.WriteText("");
        var s = BootStateCodec.Decode(w.ToArray());
        Assert.Equal((0, 0L, "", "1.0.0"), (s.SecurityFloor, s.DowngradeCounter, s.HighestVersion, s.Versions[0]));
        var again = BootStateCodec.Decode(BootStateCodec.Encode(s));
        Assert.Equal(BootStateCodec.Encode(s), BootStateCodec.Encode(again));
    }

    [Fact]
    public void A_boot_state_with_a_duplicate_key_trailing_bytes_or_a_negative_floor_is_unreadable()
    {
        var good = BootStateCodec.Encode(BootState.Factory(SlotLayout.SlotA, "1.0.0", 2));
        Assert.Throws<CborException>(() => BootStateCodec.Decode(good.Append((byte)0).ToArray()));
        var r = new System.Formats.Cbor.CborReader(good);
        var w = new System.Formats.Cbor.CborWriter(System.Formats.Cbor.CborConformanceMode.Lax);
        int n = r.ReadStartMap()!.Value;
        w.WriteStartMap(n);
        for (int i = 0; i < n - 1; i++) { w.WriteTextString(r.ReadTextString()); w.WriteEncodedValue(r.ReadEncodedValue().Span); }
        w.WriteTextString("floor"); w.WriteInt32(0); // in place of the last key, "dac": a second "floor" that would lower it
        w.WriteEndMap();
        Assert.Contains("duplicate key 'floor'", Assert.Throws<CborException>(() => BootStateCodec.Decode(w.Encode())).Message);
        var negative = BootState.Factory(SlotLayout.SlotA, "1.0.0", 2);
        negative.SecurityFloor = -1;
        Assert.Throws<ArgumentException>(() => BootStateCodec.Encode(negative));
    }
}
