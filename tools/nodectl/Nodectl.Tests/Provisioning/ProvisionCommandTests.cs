using NodeFirmware.Nodectl.Audit;
using NodeFirmware.Nodectl.Provisioning;
using NodeFirmware.Nodectl.Tests.Partitions;
using NodeSim.Provisioning;

namespace NodeFirmware.Nodectl.Tests.Provisioning;

public class ProvisionCommandTests
{
    private static Dictionary<string, string> Env() => new() { ["FACTORY_WIFI"] = ProvisioningRig.WifiPassphrase, ["NODECTL_OPERATOR"] = "test-operator" };

    private static (int Exit, string Out, string Err) Provision(ProvisioningRig rig, string passphrase, IReadOnlyDictionary<string, string> env, params string[] extra)
    {
        var command = ProvisionCommand.Create(() => passphrase, name => env.TryGetValue(name, out var v) ? v : null);
        string[] args =
        [
            "provision", "--ca-dir", rig.PkiDirectory, "--broker", "127.0.0.1:8883", "--wifi-ssid", "greenhouse",
            "--wifi-pass-env", "FACTORY_WIFI", "--release-pubkey", rig.ReleaseKeyPath, "--station", "line-2", .. extra,
        ];
        return CommandRunner.Run(command, args);
    }

    [Fact]
    public void Provisions_virtual_nodes_over_tcp_registers_them_and_the_audit_verifies()
    {
        using var rig = new ProvisioningRig();
        using var receiver = new TestReceiver();
        for (int i = 0; i < 3; i++)
        {
            var node = new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(200 + i));
            using var port = new ProvisioningTcpPort(node);
            var (exit, stdout, stderr) = Provision(rig, ProvisioningRig.CaPassphrase, Env(), "--tcp", port.Endpoint,
                "--receiver", receiver.BaseUrl, "--tags", "north, bench", "--board", "esp32-devkitc", "--config", "sample_s=20");
            Assert.True(exit == 0, stderr);
            Assert.Contains($"provisioned {node.DeviceId}", stdout);
            Assert.DoesNotContain(ProvisioningRig.WifiPassphrase, stdout + stderr);
            rig.AssertValidIdentity(node).Dispose();
            Assert.NotNull(node.Store.LoadCommitted()!.ConfigOverrides);
        }
        Assert.Equal(3, receiver.Registrations.Count);
        Assert.All(receiver.Registrations, r => Assert.Equal(new[] { "north", "bench" }, r.Tags));

        var (vexit, vout, _) = CommandRunner.Run(AuditCommand.Create(), "audit", "verify", "--log", rig.AuditPath);
        Assert.Equal(0, vexit);
        Assert.Contains("6 records", vout);
        var records = AuditVerifier.Verify(rig.AuditPath).Entries;
        Assert.All(records, r => Assert.Equal("line-2", r.Station));

        var (sexit, sout, _) = CommandRunner.Run(AuditCommand.Create(), "audit", "show", "--log", rig.AuditPath, "--device", records[0].Device!);
        Assert.Equal(0, sexit);
        Assert.Contains(records[0].CertSerial!, sout);
        Assert.Equal(2 + 1, sout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // header + provision + register
    }

    [Fact]
    public void Wrong_ca_passphrase_fails_before_the_device_is_touched()
    {
        using var rig = new ProvisioningRig();
        var node = new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(210));
        using var port = new ProvisioningTcpPort(node);
        var (exit, _, stderr) = Provision(rig, "not the passphrase!", Env(), "--tcp", port.Endpoint);
        Assert.Equal(1, exit);
        Assert.Contains("wrong passphrase", stderr);
        Assert.Equal(0, port.Connections);
    }

    [Fact]
    public void Missing_wifi_variable_and_bad_arguments_are_named()
    {
        using var rig = new ProvisioningRig();
        var (exit, _, stderr) = Provision(rig, ProvisioningRig.CaPassphrase, new Dictionary<string, string>(), "--tcp", "127.0.0.1:1");
        Assert.Equal(1, exit);
        Assert.Contains("FACTORY_WIFI", stderr);

        (exit, _, stderr) = Provision(rig, ProvisioningRig.CaPassphrase, Env());
        Assert.Equal(1, exit);
        Assert.Contains("--port and --tcp", stderr);

        (exit, _, stderr) = Provision(rig, ProvisioningRig.CaPassphrase, Env(), "--tcp", "127.0.0.1:1", "--config", "sample_s=0");
        Assert.Equal(1, exit);
        Assert.Contains("sample_s", stderr);

        (exit, _, stderr) = Provision(rig, ProvisioningRig.CaPassphrase, Env(), "--tcp", "127.0.0.1:1", "--expect-mac", "zz");
        Assert.Equal(1, exit);
        Assert.Contains("not a 6-byte MAC", stderr);
    }

    [Fact]
    public void Unreachable_virtual_node_is_an_error_and_the_receiver_failure_exit_code_is_2()
    {
        using var rig = new ProvisioningRig();
        var (exit, _, stderr) = Provision(rig, ProvisioningRig.CaPassphrase, Env(), "--tcp", "127.0.0.1:1");
        Assert.Equal(1, exit);
        Assert.Contains("cannot connect", stderr);

        using var receiver = new TestReceiver { Status = 500 };
        var node = new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(211));
        using var port = new ProvisioningTcpPort(node);
        (exit, _, stderr) = Provision(rig, ProvisioningRig.CaPassphrase, Env(), "--tcp", port.Endpoint, "--receiver", receiver.BaseUrl);
        Assert.Equal(2, exit);
        Assert.Contains("NOT registered", stderr);
        Assert.Contains("500", stderr);
    }

    [Fact]
    public void A_successful_provision_confirms_the_reboot_without_a_power_cycle_warning_or_a_wait()
    {
        using var rig = new ProvisioningRig();
        var node = new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(212));
        using var port = new ProvisioningTcpPort(node);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (exit, stdout, stderr) = Provision(rig, ProvisioningRig.CaPassphrase, Env(), "--tcp", port.Endpoint);
        clock.Stop();
        Assert.True(exit == 0, stderr);
        Assert.DoesNotContain("power-cycle", stdout + stderr);
        Assert.Equal(1, node.Boots); // the REBOOT request restarted the node
        // the reboot is one request and one reply; an unanswered one costs 3 attempts of 3 s
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"provisioning took {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
