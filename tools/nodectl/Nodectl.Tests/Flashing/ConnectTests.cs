using NodeFirmware.Nodectl.Flashing;
using NodeSim.RomBootloader;

namespace NodeFirmware.Nodectl.Tests.Flashing;

public class ConnectTests
{
    [Fact]
    public void Rom_answers_sync_only_after_the_reset_into_bootloader()
    {
        using var rig = new RomRig();
        Assert.Equal(RomChipState.RunningApplication, rig.Sim.State);
        rig.Client.Channel.Send(RomCommand.SYNC, RomProtocol.SyncPayload());
        Assert.Equal(0, rig.Sim.ResponsesSent);

        rig.Client.Connect();

        Assert.Equal(RomChipState.Synced, rig.Sim.State);
        Assert.Equal(8, rig.Sim.ResponsesSent); // the ROM answers a SYNC eight times
    }

    [Fact]
    public void Without_control_lines_connect_fails_and_says_nothing_answered()
    {
        using var rig = new RomRig(wireControlLines: false);
        var e = Assert.Throws<RomTimeoutException>(() => rig.Client.Connect());
        Assert.Contains("could not connect", e.Message);
        Assert.Contains("SYNC", e.Message);
    }

    [Fact]
    public void Io0_not_pulled_low_is_diagnosed_from_the_boot_message()
    {
        using var rig = new RomRig(wireDtr: false);
        var e = Assert.Throws<RomTimeoutException>(() => rig.Client.Connect());
        Assert.Contains("booted in mode 0x13, not download mode", e.Message);
    }

    [Fact]
    public void Stub_answering_sync_with_zero_is_refused()
    {
        using var rig = new RomRig(new SimulatedRomOptions { SyncValue = 0 });
        var e = Assert.Throws<RomProtocolException>(() => rig.Client.Connect());
        Assert.Contains("stub", e.Message);
    }

    [Fact]
    public void Commands_before_connect_are_a_programming_error()
    {
        using var rig = new RomRig();
        Assert.Throws<InvalidOperationException>(() => rig.Client.ReadMac());
    }
}
