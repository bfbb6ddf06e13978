using NodeFirmware.Core.Provisioning;
using NodeFirmware.Nodectl.Audit;
using NodeFirmware.Nodectl.Provisioning;
using NodeSim.Board;

namespace NodeFirmware.Nodectl.Tests.Provisioning;

/// <summary>
/// `nodectl provision --port rfc2217://...` against a whole simulated DevKit: it resets the board into the firmware
/// through DTR/RTS, and when the board cannot be provisioned it says why from what the board printed, with the next
/// step: held in download mode, unflashed, or already holding an identity.
/// </summary>
public sealed class WholeBoardProvisioningTests
{
    [Fact]
    public void Flashes_by_board_layout_then_provisions_over_the_same_port_after_a_reset_into_the_firmware()
    {
        using var rig = new ProvisioningRig();
        using var port = new SimulatedBoardPort();
        port.Board.PowerOn(io0Low: true); // left in download mode, as after a flashing tool without a reset
        SimulatedBoardPort.WriteImages(rig.Directory);

        var (fexit, fout, ferr) = port.Flash("--board", SimulatedBoardPort.BoardName, "--images-dir", rig.Directory);
        Assert.True(fexit == 0, fout + ferr);
        port.Board.PowerOn(io0Low: true); // and back in download mode: only provision's own reset starts the firmware
        var (exit, stdout, stderr) = port.Provision(rig);

        Assert.True(exit == 0, stdout + stderr);
        var node = port.RunningFirmware();
        Assert.Contains($"provisioned {node.DeviceId}", stdout);
        rig.AssertValidIdentity(node).Dispose();
        Assert.True(AuditVerifier.Verify(rig.AuditPath).Ok);
    }

    [Fact]
    public void The_identity_lives_in_the_config_partition_it_survives_resets_and_reflashing_and_goes_with_an_erase_of_that_region()
    {
        using var rig = new ProvisioningRig();
        using var port = new SimulatedBoardPort().Flashed();
        SimulatedBoardPort.WriteImages(rig.Directory);
        var (exit, stdout, stderr) = port.Provision(rig);
        Assert.True(exit == 0, stdout + stderr);
        string id = port.RunningFirmware().DeviceId;
        Assert.True(port.Board.Flash.Read(0x260000, 0x1A0000).IndexOfAnyExcept((byte)0xFF) >= 0, "nothing was written to the config partition");

        int boots = port.Board.Boots;
        var (fexit, fout, ferr) = port.Flash("--board", SimulatedBoardPort.BoardName, "--images-dir", rig.Directory, "--full");
        Assert.True(fexit == 0, fout + ferr);
        Assert.Equal(IdentityState.Committed, port.FirmwareAfter(boots).Identity.State);
        var (again, aout, aerr) = port.Provision(rig);
        Assert.True(again == 0, aout + aerr);
        Assert.Contains($"{id} was already provisioned", aout);

        boots = port.Board.Boots;
        var (eexit, eout, eerr) = port.Flash("erase-region", "0x260000", "0x1A0000");
        Assert.True(eexit == 0, eout + eerr);
        Assert.Equal(IdentityState.Empty, port.FirmwareAfter(boots).Identity.State);
    }

    [Fact]
    public void A_board_held_in_download_mode_is_named_with_the_reset_to_do_and_nothing_is_issued()
    {
        using var rig = new ProvisioningRig();
        using var port = new SimulatedBoardPort().Flashed();
        port.Board.BootButtonHeld = true;

        var (exit, stdout, stderr) = port.Provision(rig);

        Assert.Equal(1, exit);
        Assert.Contains("in the ROM's download mode", stderr);
        Assert.Contains("\"waiting for download\"", stderr);
        Assert.Contains("Release BOOT", stderr);
        Assert.DoesNotContain("no answer to HELLO", stderr);
        var record = rig.Records().Single();
        Assert.Equal("failed", record.Result);
        Assert.Null(record.CertSerial);
    }

    [Fact]
    public void An_unflashed_board_is_named_with_the_exact_flash_command()
    {
        using var rig = new ProvisioningRig();
        using var port = new SimulatedBoardPort();

        var (exit, stdout, stderr) = port.Provision(rig);

        Assert.Equal(1, exit);
        Assert.Contains("no firmware to run", stderr);
        Assert.Contains("\"invalid header: 0xffffffff\"", stderr);
        Assert.Contains($"nodectl flash --board {SimulatedBoardPort.BoardName} --port {port.Url}", stderr);
        Assert.DoesNotContain("no answer to HELLO", stderr);
    }

    [Fact]
    public void A_provisioned_board_that_does_not_answer_is_named_as_holding_an_identity_with_factory_reset()
    {
        using var rig = new ProvisioningRig();
        using var port = new SimulatedBoardPort(new SimulatedBoardOptions { ProvisionedAnswers = false }).Flashed();
        var (first, fout, ferr) = port.Provision(rig);
        Assert.True(first == 0, fout + ferr);
        string id = port.RunningFirmware().DeviceId;

        using var otherStation = new ProvisioningRig();
        var (exit, stdout, stderr) = port.Provision(otherStation);

        Assert.Equal(1, exit);
        Assert.Contains("already holds an identity", stderr);
        Assert.Contains($"\"identity ok: {id}\"", stderr);
        Assert.Contains("--factory-reset", stderr);
        Assert.DoesNotContain("no answer to HELLO", stderr);
    }

    [Fact]
    public void A_provisioned_board_that_answers_with_another_stores_certificate_is_named_as_holding_an_identity_with_factory_reset()
    {
        using var rig = new ProvisioningRig();
        using var port = new SimulatedBoardPort().Flashed();
        var (first, fout, ferr) = port.Provision(rig);
        Assert.True(first == 0, fout + ferr);

        using var otherStation = new ProvisioningRig();
        var (exit, stdout, stderr) = port.Provision(otherStation);

        Assert.Equal(1, exit);
        Assert.Contains("already holds an identity", stderr);
        Assert.Contains("--factory-reset", stderr);
        // The fleet's release key (the first station's here) consents to the reset; the other station issues the new identity.
        string variable = "NODECTL_TEST_RELEASE_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, ProvisioningRig.ReleasePassphrase);
        try
        {
            var (reset, rout, rerr) = port.Provision(otherStation, "--factory-reset", "--release-key", rig.ReleaseSigningKeyPath, "--release-passphrase-env", variable);
            Assert.True(reset == 0, rout + rerr);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void On_a_pty_without_dtr_rts_the_board_is_not_reset_and_what_runs_on_it_is_provisioned()
    {
        if (!OperatingSystem.IsLinux()) return; // ptys as serial ports: Linux only
        using var rig = new ProvisioningRig();
        using var pty = new NodeSim.RomBootloader.Pty.RomPtyServer(transmit =>
        {
            var board = new SimulatedBoard(transmit);
            var layout = NodeFirmware.Nodectl.Tests.Partitions.CommandRunner.Catalog().Load(SimulatedBoardPort.BoardName);
            var files = StandInImages.For(layout);
            foreach (var placement in layout.FlashLayout.Images) board.Flash.Load(placement.Offset, files[placement.File]);
            return board;
        }, io0Low: false);

        var env = new Dictionary<string, string> { ["FACTORY_WIFI"] = ProvisioningRig.WifiPassphrase, ["NODECTL_OPERATOR"] = "test-operator" };
        var command = ProvisionCommand.Create(() => ProvisioningRig.CaPassphrase, name => env.TryGetValue(name, out var v) ? v : null, SimulatedBoardPort.Client);
        var (exit, stdout, stderr) = NodeFirmware.Nodectl.Tests.Partitions.CommandRunner.Run(command,
            "provision", "--port", pty.Path, "--ca-dir", rig.PkiDirectory, "--broker", "127.0.0.1:8883", "--wifi-ssid", "greenhouse",
            "--wifi-pass-env", "FACTORY_WIFI", "--release-pubkey", rig.ReleaseKeyPath);

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("has no DTR/RTS: the board was not reset", stdout);
        Assert.Contains("provisioned esp32-240ac45e719b", stdout);
    }
}
