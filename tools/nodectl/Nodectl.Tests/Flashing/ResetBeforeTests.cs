using NodeSim.RomBootloader;

namespace NodeFirmware.Nodectl.Tests.Flashing;

/// <summary>
/// "--before no-reset" for boards without the auto-reset circuit: DTR/RTS are never touched (the simulated chip
/// would reboot on them, counted by Boots), the chip must already be in download mode, and it is not reset after.
/// </summary>
public sealed class ResetBeforeTests
{
    [Fact]
    public void Read_mac_with_no_reset_syncs_a_chip_already_in_download_mode_without_touching_the_lines()
    {
        using var rig = new RomRig();
        rig.Sim.PowerOn(io0Low: true);
        int bootsBefore = rig.Sim.Boots;

        var (exit, output, err) = new FlashCli(rig).Run("flash", "read-mac", "--port", "sim", "--before", "no-reset");

        Assert.True(exit == 0, output + err);
        Assert.Contains("device id esp32-", output);
        Assert.Equal(bootsBefore, rig.Sim.Boots);
        Assert.NotEqual(RomChipState.RunningApplication, rig.Sim.State);
    }

    [Fact]
    public void Flash_with_no_reset_writes_and_asks_for_en_instead_of_resetting()
    {
        using var rig = new RomRig();
        rig.Sim.PowerOn(io0Low: true);
        int bootsBefore = rig.Sim.Boots;
        string file = Path.Combine(Directory.CreateTempSubdirectory("nodectl-before-").FullName, "app.bin");
        byte[] app = Enumerable.Range(0, 9000).Select(i => (byte)(i * 7)).ToArray();
        File.WriteAllBytes(file, app);

        var (exit, output, err) = new FlashCli(rig).Run(
            "flash", "--port", "sim", "--image", $"0x10000:{file}", "--flash-size", "4MB", "--baud", "115200", "--before", "no-reset");

        Assert.True(exit == 0, output + err);
        Assert.True(rig.Sim.Flash.Read(0x10000, app.Length).SequenceEqual(app));
        Assert.Contains("press EN", output);
        Assert.Equal(bootsBefore, rig.Sim.Boots);
    }

    [Fact]
    public void No_reset_with_a_chip_not_in_download_mode_says_how_to_get_there()
    {
        using var rig = new RomRig();
        rig.Sim.PowerOn(io0Low: false);

        var (exit, output, _) = new FlashCli(rig).Run("flash", "read-mac", "--port", "sim", "--before", "no-reset");

        Assert.Equal(1, exit);
        Assert.Contains("--before no-reset", output);
        Assert.Contains("hold BOOT (IO0), tap EN, release BOOT", output);
    }

    [Fact]
    public void An_unknown_before_value_is_refused_by_name()
    {
        var (exit, _, err) = new FlashCli().Run("flash", "read-mac", "--port", "sim", "--before", "usb-reset");

        Assert.NotEqual(0, exit);
        Assert.Contains("--before 'usb-reset' is not default-reset or no-reset", err);
    }
}
