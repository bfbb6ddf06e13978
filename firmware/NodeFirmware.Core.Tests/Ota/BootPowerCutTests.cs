using NodeFirmware.Core.Ota;

namespace NodeFirmware.Core.Tests.Ota;

/// <summary>
/// A scripted life of a device — install 1.1 and confirm it, then install 1.2 which never gets healthy and is
/// reverted — with the power cut at every single write (boot state, cursor and slot files alike). After each
/// cut the Loader must find a slot that verifies, and the device must still reach the scripted end state.
/// </summary>
public class BootPowerCutTests : IDisposable
{
    private readonly TestRelease _release = new();
    private readonly TestImage _v1;
    private readonly TestImage _v2;
    private readonly TestImage _v3;

    public BootPowerCutTests()
    {
        _v1 = _release.MakeImage("1.0.0", new[] { 1500 }, seed: 1);
        _v2 = _release.MakeImage("1.1.0", new[] { 2100, 300 }, seed: 2);
        _v3 = _release.MakeImage("1.2.0", new[] { 1800 }, seed: 3);
    }

    public void Dispose() => _release.Dispose();

    /// <summary>Runs the script from wherever the device is; idempotent steps make it resumable after a cut.</summary>
    private static void Script(OtaDevice device, FakeCloud cloud, TestImage v2, TestImage v3)
    {
        for (int wake = 0; wake < 30; wake++)
        {
            bool v2Done = cloud.Results.Any(r => r.Campaign == "c-v2");
            bool v3Done = cloud.Results.Any(r => r.Campaign == "c-v3");
            if (v2Done && v3Done) return;
            if (v2Done && cloud.CampaignId != "c-v3") cloud.Offer("c-v3", v3, chunkSize: 700);
            bool healthy = cloud.CampaignId != "c-v3";
            device.Session(cloud, healthy: healthy);
            device.Boot();
        }
    }

    private OtaDevice NewDevice(int seed)
    {
        var device = new OtaDevice(_release.PublicKey, seed) { TrialAttempts = 2 };
        device.Manufacture(_v1);
        device.Boot();
        return device;
    }

    [Fact]
    public void Without_cuts_the_script_ends_on_the_confirmed_1_1_with_1_2_rolled_back()
    {
        var device = NewDevice(1);
        var cloud = new FakeCloud();
        cloud.Offer("c-v2", _v2, chunkSize: 700);
        Script(device, cloud, _v2, _v3);
        Assert.True(cloud.Results.First(r => r.Campaign == "c-v2").Ok);
        Assert.StartsWith(OtaFailure.RolledBack, cloud.Results.First(r => r.Campaign == "c-v3").Err);
        Assert.Equal("1.1.0", device.RunningVersion);
        Assert.True(device.Rail.Writes > 40);
    }

    [Fact]
    public void A_power_cut_at_any_write_always_leaves_a_verified_slot_to_boot_and_the_script_still_completes()
    {
        var reference = NewDevice(1);
        var referenceCloud = new FakeCloud();
        referenceCloud.Offer("c-v2", _v2, chunkSize: 700);
        long start = reference.Rail.Writes;
        Script(reference, referenceCloud, _v2, _v3);
        long writes = reference.Rail.Writes - start;

        for (long cut = 0; cut < writes; cut++)
        {
            var device = NewDevice((int)cut + 2);
            var cloud = new FakeCloud();
            cloud.Offer("c-v2", _v2, chunkSize: 700);
            device.Rail.CutAtWrite = device.Rail.Writes + cut;
            Assert.Throws<PowerCutException>(() => Script(device, cloud, _v2, _v3));
            device.Rail.Restore();

            var boot = device.Boot(); // throws when nothing is bootable
            var state = device.BootStore.Load()!;
            Assert.True(state.Verdicts[boot.Slot] is SlotVerdict.Valid or SlotVerdict.Trial, $"cut {cut}: loaded a slot marked {state.Verdicts[boot.Slot]}");
            Assert.True(state.Verdicts[state.ActiveSlot] == SlotVerdict.Valid, $"cut {cut}: the active slot is not a valid fallback ({state})");

            Script(device, cloud, _v2, _v3);
            Assert.True(cloud.Results.Last(r => r.Campaign == "c-v2").Ok, $"cut {cut}: 1.1 not installed");
            Assert.False(cloud.Results.Last(r => r.Campaign == "c-v3").Ok, $"cut {cut}: 1.2 should have been rolled back");
            Assert.Equal("1.1.0", device.RunningVersion);
        }
    }
}
