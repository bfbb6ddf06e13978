using System.Security.Cryptography.X509Certificates;
using NodeFirmware.Nodectl.Audit;
using NodeFirmware.Nodectl.Provisioning;
using NodeFirmware.Nodectl.Tests.Partitions;
using NodeSim.Provisioning;

namespace NodeFirmware.Nodectl.Tests.Provisioning;

/// <summary>
/// <c>nodectl register</c>: the way to finish a provision that exited with code 2 (committed on the board, receiver
/// unreachable). A provisioned board no longer answers provisioning, so a re-run of provision cannot do it.
/// </summary>
public class RegisterCommandTests
{
    private static Dictionary<string, string> Env() => new() { ["FACTORY_WIFI"] = ProvisioningRig.WifiPassphrase, ["NODECTL_OPERATOR"] = "test-operator" };

    private static (int Exit, string Out, string Err) Provision(ProvisioningRig rig, params string[] extra)
    {
        var env = Env();
        var command = ProvisionCommand.Create(() => ProvisioningRig.CaPassphrase, name => env.TryGetValue(name, out var v) ? v : null);
        return CommandRunner.Run(command, [
            "provision", "--ca-dir", rig.PkiDirectory, "--broker", "127.0.0.1:8883", "--wifi-ssid", "greenhouse",
            "--wifi-pass-env", "FACTORY_WIFI", "--release-pubkey", rig.ReleaseKeyPath, "--station", "line-2", .. extra,
        ]);
    }

    private static (int Exit, string Out, string Err) Register(IReadOnlyDictionary<string, string> env, params string[] args) =>
        CommandRunner.Run(RegisterCommand.Create(name => env.TryGetValue(name, out var v) ? v : null), args);

    /// <summary>The command after "error: ... register it ...: " on provision's stderr, split as a shell would (the test paths need no quotes).</summary>
    private static string[] AdvisedCommand(string stderr)
    {
        int at = stderr.IndexOf("nodectl register ", StringComparison.Ordinal);
        Assert.True(at >= 0, "provision's advice names no nodectl register command: " + stderr);
        string line = stderr[at..].Split('\n')[0].Trim();
        Assert.DoesNotContain("'", line);
        return line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Provisions a node over TCP with the receiver at <paramref name="receiverUrl"/> down; returns the advised command.</summary>
    private static string[] ProvisionWithReceiverDown(ProvisioningRig rig, VirtualProvisioningNode node, string receiverUrl)
    {
        using var port = new ProvisioningTcpPort(node);
        var (exit, _, stderr) = Provision(rig, "--tcp", port.Endpoint, "--receiver", receiverUrl, "--tags", "north,bench", "--board", "esp32-devkitc-v4");
        Assert.True(exit == 2, $"exit {exit}: {stderr}");
        Assert.Contains("NOT registered", stderr);
        Assert.Contains("cannot reach the receiver", stderr);
        return AdvisedCommand(stderr);
    }

    [Fact]
    public void Provision_with_the_receiver_down_advises_register_and_the_advised_command_registers_the_issued_certificate_twice()
    {
        using var rig = new ProvisioningRig();
        var down = new TestReceiver();
        string url = down.BaseUrl;
        int receiverPort = down.Port;
        down.Dispose();
        var node = new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(220));

        string[] advised = ProvisionWithReceiverDown(rig, node, url);
        Assert.Equal(["nodectl", "register", "--device", node.DeviceId], advised[..4]);
        using var issued = rig.Pki.LoadDeviceCertificate(node.DeviceId)!;

        using var receiver = new TestReceiver(receiverPort);
        for (int run = 1; run <= 2; run++) // registering again is harmless (the receiver updates the same record)
        {
            var (exit, stdout, stderr) = Register(Env(), advised[1..]);
            Assert.True(exit == 0, stderr);
            Assert.Contains($"registered {node.DeviceId} (certificate serial {issued.SerialNumber})", stdout);
        }
        Assert.Equal(2, receiver.Registrations.Count);
        Assert.All(receiver.Registrations, r =>
        {
            Assert.Equal(node.DeviceId, r.Id);
            Assert.Equal(issued.SerialNumber, r.CertSerial);
            Assert.Equal(["north", "bench"], r.Tags);
            Assert.Equal("esp32-devkitc-v4", r.Board);
        });
        Assert.Equal(new string('x', 2).Select(_ => "POST /api/devices"), receiver.Paths);

        var records = rig.Records();
        Assert.Equal(new[] { ("provision", "ok"), ("register", "failed"), ("register", "ok"), ("register", "ok") },
            records.Select(r => (r.Action, r.Result)));
        Assert.Contains("nodectl register --device " + node.DeviceId, records[1].Detail);
        Assert.All(records.Skip(2), r =>
        {
            Assert.Equal(issued.SerialNumber, r.CertSerial);
            Assert.Equal(records[0].CertSha256, r.CertSha256);
            Assert.Equal("test-operator", r.Operator);
        });
    }

    [Fact]
    public void Unknown_device_is_refused_and_nothing_is_sent_or_recorded()
    {
        using var rig = new ProvisioningRig();
        using var receiver = new TestReceiver();
        var (exit, stdout, stderr) = Register(Env(), "register", "--device", "esp32-240ac4000099", "--ca-dir", rig.PkiDirectory, "--receiver", receiver.BaseUrl);
        Assert.Equal(1, exit);
        Assert.Contains("has no certificate for esp32-240ac4000099", stderr);
        Assert.Contains("nothing was registered", stderr);
        Assert.Equal("", stdout);
        Assert.Empty(receiver.Paths);
        Assert.False(File.Exists(rig.AuditPath));

        (exit, _, stderr) = Register(Env(), "register", "--device", "ESP32-nonsense", "--ca-dir", rig.PkiDirectory, "--receiver", receiver.BaseUrl);
        Assert.Equal(1, exit);
        Assert.Contains("is not a device id", stderr);
        Assert.Empty(receiver.Paths);
    }

    [Fact]
    public void Revoked_certificate_is_refused_with_the_reason_and_nothing_is_sent_or_recorded()
    {
        using var rig = new ProvisioningRig();
        var node = new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(221));
        using (var port = new ProvisioningTcpPort(node))
            Assert.Equal(0, Provision(rig, "--tcp", port.Endpoint).Exit);
        rig.Pki.RevokeDeviceAndPublish(rig.Ca, node.DeviceId, X509RevocationReason.KeyCompromise);
        long auditLength = new FileInfo(rig.AuditPath).Length;

        using var receiver = new TestReceiver();
        var (exit, _, stderr) = Register(Env(), "register", "--device", node.DeviceId, "--ca-dir", rig.PkiDirectory, "--receiver", receiver.BaseUrl);
        Assert.Equal(1, exit);
        Assert.Contains("was revoked", stderr);
        Assert.Contains("KeyCompromise", stderr);
        Assert.Contains("--factory-reset", stderr);
        Assert.Empty(receiver.Paths);
        Assert.Equal(auditLength, new FileInfo(rig.AuditPath).Length);
    }

    [Fact]
    public void A_refusal_by_the_receiver_is_reported_with_its_reason_and_recorded_as_a_failed_registration()
    {
        using var rig = new ProvisioningRig();
        var node = new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(222));
        using (var port = new ProvisioningTcpPort(node))
            Assert.Equal(0, Provision(rig, "--tcp", port.Endpoint).Exit);

        using var receiver = new TestReceiver { Status = 409 };
        var (exit, _, stderr) = Register(Env(), "register", "--device", node.DeviceId, "--ca-dir", rig.PkiDirectory, "--receiver", receiver.BaseUrl);
        Assert.Equal(1, exit);
        Assert.Contains($"{node.DeviceId} is NOT registered", stderr);
        Assert.Contains("409", stderr);
        Assert.Contains("store unavailable", stderr); // the receiver's own words
        Assert.Empty(receiver.Registrations);
        var last = rig.Records()[^1];
        Assert.Equal(("register", "failed", "register"), (last.Action, last.Result, last.Stage));
    }

    [Fact]
    public void Without_an_operator_nothing_is_sent()
    {
        using var rig = new ProvisioningRig();
        var node = new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(223));
        using (var port = new ProvisioningTcpPort(node))
            Assert.Equal(0, Provision(rig, "--tcp", port.Endpoint).Exit);
        long auditLength = new FileInfo(rig.AuditPath).Length;

        using var receiver = new TestReceiver();
        var (exit, _, stderr) = Register(new Dictionary<string, string>(), "register", "--device", node.DeviceId, "--ca-dir", rig.PkiDirectory, "--receiver", receiver.BaseUrl);
        Assert.Equal(1, exit);
        Assert.Contains("--operator", stderr);
        Assert.Empty(receiver.Paths);
        Assert.Equal(auditLength, new FileInfo(rig.AuditPath).Length);
    }
}
