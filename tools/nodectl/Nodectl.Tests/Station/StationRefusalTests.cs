using NodeFirmware.Nodectl.Provisioning;
using NodeFirmware.Nodectl.Flashing;
using NodeFirmware.Nodectl.Station;
using NodeFirmware.Nodectl.Tests.Flashing;
using NodeFirmware.Nodectl.Tests.Partitions;
using NodeFirmware.Nodectl.Tests.Provisioning;

namespace NodeFirmware.Nodectl.Tests.Station;

/// <summary>What `nodectl station` refuses before touching a board, and a unit the registry refuses.</summary>
[Trait("Category", "Station")]
public sealed class StationRefusalTests
{
    [Fact]
    public void Ports_come_repeated_or_as_a_list_each_once()
    {
        Assert.Equal(["/dev/ttyUSB0", "/dev/ttyUSB1", "rfc2217://h:1"], StationCommand.Ports(["/dev/ttyUSB0", "/dev/ttyUSB1, rfc2217://h:1"]));
        Assert.Contains("given twice", Assert.Throws<ArgumentException>(() => StationCommand.Ports(["/dev/ttyUSB0", "/dev/ttyUSB0"])).Message);
        Assert.Contains("at least one", Assert.Throws<ArgumentException>(() => StationCommand.Ports([" , "])).Message);
        Assert.Contains("at most 64", Assert.Throws<ArgumentException>(() =>
            StationCommand.Ports(Enumerable.Range(0, 65).Select(i => $"/dev/ttyUSB{i}"))).Message);
    }

    [Fact]
    public void A_wrong_ca_passphrase_is_refused_before_any_board_is_flashed_or_anything_is_written()
    {
        using var line = new StationRig(2, receiver: false);

        var (exit, stdout, stderr) = line.Run(line.Arguments(line.Boards.Select(b => b.Url)), (uri, _) => new RefusingRegistry(), () => "not the passphrase");

        Assert.Equal(StationCommand.RefusedExitCode, exit);
        Assert.Contains("no board was touched", stderr);
        Assert.All(line.Boards, b => Assert.Equal(-1, b.Board.Flash.Read(0x1000, 0x1000).IndexOfAnyExcept((byte)0xFF)));
        Assert.False(Directory.Exists(line.ReportDirectory));
        Assert.False(File.Exists(line.Rig.AuditPath));
    }

    [Fact]
    public void A_unit_the_receiver_refuses_fails_at_register_and_its_committed_certificate_is_revoked()
    {
        using var line = new StationRig(1, receiver: false);

        var (exit, stdout, stderr) = line.Run(line.Arguments(line.Boards.Select(b => b.Url)), (uri, _) => new RefusingRegistry());

        Assert.True(exit == 1, stdout + stderr);
        var report = Assert.Single(line.Reports());
        Assert.Equal(UnitReport.Failed, report.Verdict);
        Assert.True(report.Steps.Select(s => s.Name).SequenceEqual(["flash", "provision", "register", "revoke"]), report.Reason);
        Assert.Contains("403 the test registry refuses", report.Steps[2].Detail);
        Assert.False(report.Registered);
        Assert.Equal([report.CertSerial!], report.RevokedSerials!);
        Assert.Contains(report.CertSerial!, line.Rig.Pki.LoadRevoked().Select(r => r.SerialHex));
        var audit = line.Rig.Records();
        Assert.Equal(["provision ok", "register failed", "revoke ok"], audit.Select(r => $"{r.Action} {r.Result}"));
        Assert.All(audit, r => Assert.Equal(report.CertSerial, r.CertSerial));
        Assert.Contains("0 of 1 units passed", stdout);
    }

    [Fact]
    public void On_a_terminal_each_port_gets_a_progress_bar_and_the_summary_is_a_table()
    {
        using var line = new StationRig(2, receiver: false);

        var (exit, stdout, stderr) = line.Run(line.Arguments(line.Boards.Select(b => b.Url)), (uri, _) => new RefusingRegistry(), terminal: true);

        Assert.True(exit == 1, stdout + stderr);
        foreach (var board in line.Boards) Assert.Contains(board.Url, stdout);
        Assert.Contains("FAILED", stdout);
        Assert.Contains("0 of 2 units passed", stdout);
        Assert.Contains("\u001b[", stdout); // drawn with ANSI control sequences, not as plain lines
    }

    [Fact]
    public void After_ctrl_c_no_unit_starts_a_step_and_each_report_says_so()
    {
        using var line = new StationRig(2, receiver: false);
        var images = FlashCommand.ResolveImages(FlashCommandEnvironment.Default() with { Catalog = CommandRunner.Catalog }, [],
            SimulatedBoardPort.BoardName, null, line.Rig.Directory);
        Directory.CreateDirectory(line.ReportDirectory);
        var plan = new StationPlan(SimulatedBoardPort.BoardName, images.Images, images.FlashSize, 460800, 115200, line.Rig.Settings(), line.Rig.Pki,
            ProvisioningRig.CaPassphrase, line.Rig.Audit, new RefusingRegistry(), StationRig.Client, line.ReportDirectory, new CancellationToken(canceled: true));
        var (console, text) = TestConsole.Create();

        var units = StationCommand.Run(plan, line.Boards.Select(b => b.Url).ToList(), console);

        Assert.All(units, u =>
        {
            Assert.Equal(UnitReport.Failed, u.Verdict);
            Assert.Equal("flash: interrupted (Ctrl-C) before this step", u.Reason);
        });
        Assert.All(line.Boards, b => Assert.Equal(-1, b.Board.Flash.Read(0x1000, 0x1000).IndexOfAnyExcept((byte)0xFF)));
        Assert.False(File.Exists(line.Rig.AuditPath));
        Assert.Contains("0 of 2 units passed", text.ToString());
    }

    private sealed class RefusingRegistry : IDeviceRegistry
    {
        public string Name => "test-registry";

        public void Register(DeviceRegistration registration) => throw new RegistrationException($"403 the test registry refuses {registration.Id}");
    }
}
