using NodeFirmware.Nodectl.Flashing;
using NodeFirmware.Nodectl.Tests.Flashing;
using NodeFirmware.Nodectl.Tests.Partitions;
using NodeSim.RomBootloader.Pty;

namespace NodeFirmware.Nodectl.Tests.Diagnostics;

/// <summary>What `nodectl flash` says about a port that is not there and about one without DTR/RTS (a Linux pty).</summary>
public sealed class SerialPortDiagnosticsTests
{
    /// <summary>`nodectl flash ...` with the real serial port behind --port, its console captured.</summary>
    private static (int Exit, string Out, string Err) RunOnRealPort(params string[] args)
    {
        var (console, text) = TestConsole.Create();
        var errors = new StringWriter();
        var env = FlashCommandEnvironment.Default() with { Catalog = CommandRunner.Catalog, Console = console, Error = errors };
        var (exit, output, err) = CommandRunner.Run(FlashCommand.Create(env), args);
        return (exit, text + output, errors + err);
    }

    [Fact]
    public void A_missing_port_is_no_such_port_and_points_at_nodectl_ports()
    {
        var (exit, output, err) = RunOnRealPort("flash", "read-mac", "--port", "/dev/ttyUSB-nodectl-test-absent");

        Assert.Equal(1, exit);
        Assert.Contains("no such port /dev/ttyUSB-nodectl-test-absent", err);
        Assert.Contains("nodectl ports", err);
        Assert.DoesNotContain("denied", output + err, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_pty_without_modem_lines_suggests_no_reset_instead_of_a_stack_trace()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // ptys as serial ports: Linux only
        }

        using var board = new RomPtyServer();

        var (exit, output, err) = RunOnRealPort("flash", "read-mac", "--port", board.Path);

        Assert.Equal(1, exit);
        string all = output + err;
        Assert.Contains("has no DTR/RTS modem lines", all);
        Assert.Contains("--before no-reset", all);
        Assert.DoesNotContain("   at ", all);
    }

    [Fact]
    public void The_same_pty_answers_with_no_reset()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var board = new RomPtyServer(); // powered up in download mode, as with BOOT held

        var (exit, output, err) = RunOnRealPort("flash", "read-mac", "--port", board.Path, "--before", "no-reset");

        Assert.True(exit == 0, output + err);
    }
}
