using NodeFirmware.Core.Ota;

namespace NodeFirmware.Core.Tests.Ota;

/// <summary>The Loader's choice on real slot contents: verification before loading, reverts, discovery.</summary>
public class SlotSelectorTests : IDisposable
{
    private readonly TestRelease _release = new();

    public void Dispose() => _release.Dispose();

    private (OtaDevice Device, TestImage V1, TestImage V2) TrialOfV2InB()
    {
        var device = new OtaDevice(_release.PublicKey);
        var v1 = _release.MakeImage("1.0.0", new[] { 900 }, seed: 1);
        var v2 = _release.MakeImage("1.1.0", new[] { 1200, 80 }, seed: 2);
        device.Manufacture(v1);
        v2.WriteTo(device.Memory, SlotLayout.SlotB);
        var s = device.BootStore.Load()!;
        BootStateMachine.OnInstallStarted(s, SlotLayout.SlotB);
        BootStateMachine.OnInstallComplete(s, SlotLayout.SlotB, v2.Version, 0, 2);
        device.BootStore.Save(s);
        return (device, v1, v2);
    }

    [Fact]
    public void Attempts_are_persisted_before_loading_and_an_unconfirmed_trial_reverts_after_N_boots()
    {
        var (device, _, _) = TrialOfV2InB();
        var loader = device.Loader();
        var first = loader.Select();
        Assert.Equal((SlotLayout.SlotB, true), (first.Slot, first.Trial));
        Assert.Equal(1, device.BootStore.Load()!.Attempts); // on flash before the image runs
        Assert.Equal(SlotLayout.SlotB, loader.Select().Slot);
        var third = loader.Select();
        Assert.Equal((SlotLayout.SlotA, false), (third.Slot, third.Trial));
        Assert.Contains("reverted", third.Log);
        Assert.Equal(SlotVerdict.Invalid, device.BootStore.Load()!.Verdicts[SlotLayout.SlotB]);
    }

    [Fact]
    public void A_trial_slot_whose_file_was_altered_is_never_loaded()
    {
        var (device, _, _) = TrialOfV2InB();
        var one = new byte[1];
        device.Memory.Read(SlotLayout.SlotB, "Part1.pe", 5, one, 0, 1);
        one[0] ^= 0x80;
        device.Memory.Write(SlotLayout.SlotB, "Part1.pe", 5, one, 0, 1);
        var d = device.Loader().Select();
        Assert.Equal(SlotLayout.SlotA, d.Slot);
        Assert.Contains(OtaFailure.HashMismatch, d.Log);
        Assert.Equal(SlotVerdict.Invalid, device.BootStore.Load()!.Verdicts[SlotLayout.SlotB]);
    }

    [Fact]
    public void A_slot_whose_manifest_signature_is_broken_is_never_loaded()
    {
        var (device, _, _) = TrialOfV2InB();
        int length = device.Memory.FileLength(SlotLayout.SlotB, SlotLayout.ManifestFileName);
        var last = new byte[1];
        device.Memory.Read(SlotLayout.SlotB, SlotLayout.ManifestFileName, length - 1, last, 0, 1);
        last[0] ^= 1;
        device.Memory.Write(SlotLayout.SlotB, SlotLayout.ManifestFileName, length - 1, last, 0, 1);
        var d = device.Loader().Select();
        Assert.Equal(SlotLayout.SlotA, d.Slot);
        Assert.Contains(OtaFailure.BadSignature, d.Log);
    }

    [Fact]
    public void Without_a_boot_state_the_first_slot_that_verifies_is_adopted()
    {
        var device = new OtaDevice(_release.PublicKey);
        var v1 = _release.MakeImage("1.0.0", new[] { 300 }, seed: 1);
        v1.WriteTo(device.Memory, SlotLayout.SlotB);
        var d = device.Loader().Select();
        Assert.Equal(SlotLayout.SlotB, d.Slot);
        Assert.Contains("adopted slot B", d.Log);
        var s = device.BootStore.Load()!;
        Assert.Equal((SlotLayout.SlotB, SlotVerdict.Valid, "1.0.0"), (s.ActiveSlot, s.Verdicts[SlotLayout.SlotB], s.Versions[SlotLayout.SlotB]));
    }

    [Fact]
    public void With_nothing_loadable_the_decision_says_so()
    {
        var device = new OtaDevice(_release.PublicKey);
        var d = device.Loader().Select();
        Assert.Equal(BootState.NoSlot, d.Slot);
        Assert.Contains("no bootable slot", d.Log);
    }

    [Fact]
    public void The_quick_check_skips_hashing_for_a_confirmed_slot_but_never_for_a_trial()
    {
        var (device, _, _) = TrialOfV2InB();
        // Alter a byte of the trial's file without changing its length: only the full check can see it.
        var one = new byte[1];
        device.Memory.Read(SlotLayout.SlotB, "Part0.pe", 0, one, 0, 1);
        one[0] ^= 1;
        device.Memory.Write(SlotLayout.SlotB, "Part0.pe", 0, one, 0, 1);
        var d = device.Loader().Select(fullCheck: false);
        Assert.Equal(SlotLayout.SlotA, d.Slot); // the trial got the full check and failed it

        // Same alteration in the confirmed slot A: the quick check does not hash, the full one does.
        device.Memory.Read(SlotLayout.SlotA, "Part0.pe", 0, one, 0, 1);
        one[0] ^= 1;
        device.Memory.Write(SlotLayout.SlotA, "Part0.pe", 0, one, 0, 1);
        Assert.Equal(SlotLayout.SlotA, device.Loader().Select(fullCheck: false).Slot);
        Assert.Equal(BootState.NoSlot, device.Loader().Select(fullCheck: true).Slot);
    }

    [Fact]
    public void The_quick_check_still_refuses_a_truncated_file()
    {
        var device = new OtaDevice(_release.PublicKey);
        var v1 = _release.MakeImage("1.0.0", new[] { 900 }, seed: 1);
        device.Manufacture(v1);
        device.Memory.DeleteFile(SlotLayout.SlotA, "Part0.pe");
        device.Memory.Write(SlotLayout.SlotA, "Part0.pe", 0, new byte[10], 0, 10);
        var d = device.Loader().Select(fullCheck: false);
        Assert.Equal(BootState.NoSlot, d.Slot);
        Assert.Contains("wrong length", d.Log);
    }
}
