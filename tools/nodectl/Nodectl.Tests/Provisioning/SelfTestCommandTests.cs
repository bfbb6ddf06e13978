using System.Text.Json;
using NodeFirmware.Core.Provisioning;
using NodeFirmware.Nodectl.Provisioning;
using NodeFirmware.Nodectl.Tests.Partitions;
using NodeSim.Board;
using NodeSim.Provisioning;

namespace NodeFirmware.Nodectl.Tests.Provisioning;

/// <summary>
/// `nodectl selftest` against whole simulated boards (the firmware's SELF_TEST on the board's own I2C bus and flash): a
/// provisioned board passes in its re-entry window, a board with the wrong part or none fails and says which check,
/// and a test that cannot run names the cause and the next step, with exit codes 0, 1 and 2.
/// </summary>
public sealed class SelfTestCommandTests
{
    private static (int Exit, string Out, string Err) SelfTest(params string[] args) =>
        CommandRunner.Run(SelfTestCommand.Create(SimulatedBoardPort.Client), ["selftest", .. args]);

    private static JsonElement Json(string stdout)
    {
        Assert.True(stdout.Trim().Split('\n').Length == 1, "--json prints one line on stdout: " + stdout);
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }

    [Fact]
    public void A_provisioned_board_passes_in_its_re_entry_window_and_keeps_its_identity()
    {
        using var rig = new ProvisioningRig();
        using var port = new SimulatedBoardPort().Flashed();
        var (pexit, pout, perr) = port.Provision(rig);
        Assert.True(pexit == 0, pout + perr);
        string id = port.RunningFirmware().DeviceId;

        var (exit, stdout, stderr) = SelfTest("--port", port.Url, "--json");

        Assert.True(exit == 0, stdout + stderr);
        var json = Json(stdout);
        Assert.True(json.GetProperty("ok").GetBoolean());
        Assert.Equal(0, json.GetProperty("exitCode").GetInt32());
        Assert.Equal(id, json.GetProperty("deviceId").GetString());
        Assert.Equal("provisioned", json.GetProperty("identity").GetString()); // HELLO's name for a committed identity
        Assert.True(json.GetProperty("pass").GetBoolean());
        var checks = json.GetProperty("checks").EnumerateArray().ToList();
        Assert.Equal(["sensor", "storage", "identity"], checks.Select(c => c.GetProperty("name").GetString()));
        Assert.All(checks, c => Assert.True(c.GetProperty("ok").GetBoolean()));
        Assert.Equal("BME280, chip id 0x60", checks[0].GetProperty("detail").GetString());
        Assert.Contains($"committed identity of {id}", checks[2].GetProperty("detail").GetString());
        Assert.Contains("self-test passed", stderr); // the human text goes to stderr with --json

        var firmware = port.RunningFirmware();
        Assert.Equal(IdentityState.Committed, firmware.Store.State);
        rig.AssertValidIdentity(firmware).Dispose();
    }

    [Fact]
    public void A_board_fitted_with_a_BMP280_fails_the_sensor_check_and_an_unprovisioned_one_the_identity_check()
    {
        using var port = new SimulatedBoardPort(new SimulatedBoardOptions { SensorChipId = 0x58 }).Flashed();

        var (exit, stdout, stderr) = SelfTest("--port", port.Url);

        Assert.True(exit == SelfTestCommand.FailedExitCode, stdout + stderr);
        Assert.Contains("self-test FAILED", stdout);
        Assert.Contains("sensor    FAILED  chip id 0x58, expected 0x60 (BME280); 0x58 is a BMP280, which has no humidity", stdout);
        Assert.Contains("storage   ok      256 bytes written, read back and erased", stdout);
        Assert.Contains("identity  FAILED  no committed identity (empty)", stdout);
        Assert.Contains("failed its self-test: sensor: chip id 0x58", stderr);
        Assert.Contains("Fix or replace the part named", stderr);
    }

    [Fact]
    public void A_board_without_a_sensor_fails_with_json_naming_the_missing_acknowledge()
    {
        using var port = new SimulatedBoardPort(new SimulatedBoardOptions { SensorChipId = null }).Flashed();

        var (exit, stdout, _) = SelfTest("--port", port.Url, "--json");

        Assert.Equal(SelfTestCommand.FailedExitCode, exit);
        var json = Json(stdout);
        Assert.False(json.GetProperty("ok").GetBoolean());
        Assert.False(json.GetProperty("pass").GetBoolean());
        var sensor = json.GetProperty("checks")[0];
        Assert.False(sensor.GetProperty("ok").GetBoolean());
        Assert.Equal("no sensor answers: no acknowledge at I2C address 0x76", sensor.GetProperty("detail").GetString());
        Assert.Contains("failed its self-test", json.GetProperty("error").GetString());
    }

    [Fact]
    public void A_test_that_cannot_run_says_why_and_what_to_do_with_exit_code_2()
    {
        using (var unflashed = new SimulatedBoardPort())
        {
            var (exit, stdout, stderr) = SelfTest("--port", unflashed.Url, "--board", SimulatedBoardPort.BoardName, "--json");
            Assert.Equal(SelfTestCommand.NotRunExitCode, exit);
            var json = Json(stdout);
            Assert.False(json.TryGetProperty("pass", out _));
            Assert.Contains($"nodectl flash --board {SimulatedBoardPort.BoardName} --port {unflashed.Url}", json.GetProperty("error").GetString());
            Assert.Contains("no firmware to run", stderr);
        }

        var old = new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(620)); // a firmware without the self-test
        using (var tcp = new ProvisioningTcpPort(old))
        {
            var (exit, _, stderr) = SelfTest("--tcp", tcp.Endpoint);
            Assert.Equal(SelfTestCommand.NotRunExitCode, exit);
            Assert.Contains($"{old.DeviceId} runs firmware 0.0.0-sim, which has no self-test", stderr);
            Assert.Contains("flash a firmware that has one", stderr);
        }

        var (both, _, bothErr) = SelfTest("--port", "rfc2217://127.0.0.1:1", "--tcp", "127.0.0.1:1");
        Assert.Equal(SelfTestCommand.NotRunExitCode, both);
        Assert.Contains("give exactly one of --port and --tcp", bothErr);
    }
}
