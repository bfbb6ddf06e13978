using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Ota;

namespace NodeFirmware.Core.Tests.Ota;

/// <summary>The rows of the state × event table in docs/formats/boot-state.md, and the codec.</summary>
public class BootStateMachineTests
{
    private static BootState FactoryA() => BootState.Factory(SlotLayout.SlotA, "1.0.0");

    private static BootState WithTrialB(int maxAttempts = 3)
    {
        var s = FactoryA();
        BootStateMachine.OnInstallStarted(s, SlotLayout.SlotB);
        BootStateMachine.OnInstallComplete(s, SlotLayout.SlotB, "1.1.0", 0, maxAttempts);
        return s;
    }

    [Fact]
    public void Loader_boot_without_a_trial_loads_the_active_valid_slot_and_changes_nothing()
    {
        var s = FactoryA();
        var before = BootStateCodec.Encode(s);
        Assert.Equal(SlotLayout.SlotA, BootStateMachine.OnLoaderBoot(s));
        Assert.Equal(before, BootStateCodec.Encode(s));
    }

    [Fact]
    public void A_trial_gets_exactly_max_attempts_boots_then_reverts_to_the_active_slot()
    {
        var s = WithTrialB(maxAttempts: 3);
        for (int i = 1; i <= 3; i++)
        {
            Assert.Equal(SlotLayout.SlotB, BootStateMachine.OnLoaderBoot(s));
            Assert.Equal(i, s.Attempts);
        }
        Assert.Equal(SlotLayout.SlotA, BootStateMachine.OnLoaderBoot(s));
        Assert.Equal(BootState.NoSlot, s.TrialSlot);
        Assert.Equal(SlotVerdict.Invalid, s.Verdicts[SlotLayout.SlotB]);
        Assert.Equal(SlotLayout.SlotA, BootStateMachine.OnLoaderBoot(s));
    }

    [Fact]
    public void Confirming_makes_the_trial_active_and_keeps_the_old_slot_as_fallback()
    {
        var s = WithTrialB();
        BootStateMachine.OnLoaderBoot(s);
        BootStateMachine.OnAppConfirm(s);
        Assert.Equal(SlotLayout.SlotB, s.ActiveSlot);
        Assert.Equal(BootState.NoSlot, s.TrialSlot);
        Assert.Equal(0, s.Attempts);
        Assert.Equal(SlotVerdict.Valid, s.Verdicts[SlotLayout.SlotA]);
        Assert.Equal(SlotVerdict.Valid, s.Verdicts[SlotLayout.SlotB]);
        Assert.Throws<InvalidOperationException>(() => BootStateMachine.OnAppConfirm(s));
    }

    [Fact]
    public void A_trial_that_fails_verification_is_invalid_and_the_active_slot_boots()
    {
        var s = WithTrialB();
        Assert.Equal(SlotLayout.SlotB, BootStateMachine.OnLoaderBoot(s));
        BootStateMachine.OnVerifyFailed(s, SlotLayout.SlotB);
        Assert.Equal(SlotLayout.SlotA, BootStateMachine.OnLoaderBoot(s));
        Assert.Equal(SlotVerdict.Invalid, s.Verdicts[SlotLayout.SlotB]);
    }

    [Fact]
    public void An_active_slot_that_fails_verification_gives_way_to_a_valid_other_slot_and_else_to_nothing()
    {
        var s = WithTrialB();
        BootStateMachine.OnLoaderBoot(s);
        BootStateMachine.OnAppConfirm(s); // B active, A valid fallback
        BootStateMachine.OnVerifyFailed(s, SlotLayout.SlotB);
        Assert.Equal(SlotLayout.SlotA, BootStateMachine.OnLoaderBoot(s));
        Assert.Equal(SlotLayout.SlotA, s.ActiveSlot);
        BootStateMachine.OnVerifyFailed(s, SlotLayout.SlotA);
        Assert.Equal(BootState.NoSlot, BootStateMachine.OnLoaderBoot(s));
    }

    [Fact]
    public void Installing_is_refused_into_the_active_slot_and_while_a_trial_is_pending()
    {
        var s = FactoryA();
        Assert.Throws<InvalidOperationException>(() => BootStateMachine.OnInstallStarted(s, SlotLayout.SlotA));
        var t = WithTrialB();
        Assert.Throws<InvalidOperationException>(() => BootStateMachine.OnInstallStarted(t, SlotLayout.SlotB));
        Assert.Throws<InvalidOperationException>(() => BootStateMachine.OnInstallComplete(s, SlotLayout.SlotA, "2.0.0", 0, 3));
    }

    [Fact]
    public void Install_started_empties_the_slot_so_a_half_written_image_is_never_loaded()
    {
        var s = WithTrialB();
        BootStateMachine.OnLoaderBoot(s);
        BootStateMachine.OnAppConfirm(s); // B active, A valid
        BootStateMachine.OnInstallStarted(s, SlotLayout.SlotA);
        Assert.Equal(SlotVerdict.Empty, s.Verdicts[SlotLayout.SlotA]);
        Assert.Equal("", s.Versions[SlotLayout.SlotA]);
        BootStateMachine.OnVerifyFailed(s, SlotLayout.SlotB);
        Assert.Equal(BootState.NoSlot, BootStateMachine.OnLoaderBoot(s));
    }

    [Fact]
    public void The_codec_round_trips_and_refuses_inconsistent_states()
    {
        var s = WithTrialB(5);
        BootStateMachine.OnLoaderBoot(s);
        var back = BootStateCodec.Decode(BootStateCodec.Encode(s));
        Assert.Equal(s.ToString(), back.ToString());
        Assert.Equal(5, back.MaxAttempts);

        var bad = s.Clone();
        bad.TrialSlot = SlotLayout.SlotA; // equals the active slot
        Assert.Throws<ArgumentException>(() => BootStateCodec.Encode(bad));
        var w = new CborWriter();
        w.WriteStartMap(1); w.WriteText("v"); w.WriteUInt64(1);
        Assert.Contains("missing", Assert.Throws<CborException>(() => BootStateCodec.Decode(w.ToArray())).Message);
    }
}
