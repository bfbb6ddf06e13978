using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using NodeFirmware.Nodectl.Provisioning;
using NodeFirmware.Nodectl.Tests.Partitions;
using NodeSim.Provisioning;

namespace NodeFirmware.Nodectl.Tests.Provisioning;

/// <summary>provision with the receiver down, then the advised <c>nodectl register</c> against the real receiver.</summary>
public class RegisterWithRealReceiverTests
{
    private static Func<string, string?> Lookup(Dictionary<string, string> env) => name => env.TryGetValue(name, out var v) ? v : null;


    private static RealReceiver StartReceiver(ProvisioningRig rig, int port)
    {
        string passphraseFile = Path.Combine(rig.Directory, "ca-passphrase");
        File.WriteAllText(passphraseFile, ProvisioningRig.CaPassphrase + "\n");
        return RealReceiver.Start(port, Path.Combine(rig.Directory, "receiver.db"), rig.PkiDirectory, passphraseFile);
    }

    private static string ProvisionWithReceiverDown(ProvisioningRig rig, VirtualProvisioningNode node, string receiverUrl)
    {
        var env = new Dictionary<string, string> { ["FACTORY_WIFI"] = ProvisioningRig.WifiPassphrase, ["NODECTL_OPERATOR"] = "line-operator" };
        using var port = new ProvisioningTcpPort(node);
        var (exit, _, stderr) = CommandRunner.Run(ProvisionCommand.Create(() => ProvisioningRig.CaPassphrase, Lookup(env)),
            "provision", "--ca-dir", rig.PkiDirectory, "--broker", "127.0.0.1:8883", "--wifi-ssid", "greenhouse", "--wifi-pass-env", "FACTORY_WIFI",
            "--release-pubkey", rig.ReleaseKeyPath, "--tcp", port.Endpoint, "--receiver", receiverUrl, "--tags", "greenhouse-3,north", "--board", "esp32-devkitc-v4");
        Assert.True(exit == 2, $"exit {exit}: {stderr}");
        int at = stderr.IndexOf("nodectl register ", StringComparison.Ordinal);
        Assert.True(at >= 0, "no nodectl register advice: " + stderr);
        return stderr[at..].Split('\n')[0].Trim();
    }

    [Fact]
    public void The_advised_register_command_puts_the_issued_certificate_in_the_receivers_registry_and_a_revoked_one_is_refused()
    {
        using var rig = new ProvisioningRig();
        int port = LoopbackPort.Free();
        string url = $"http://127.0.0.1:{port}/";
        var node = new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(230));
        string advised = ProvisionWithReceiverDown(rig, node, url);
        using var issued = rig.Pki.LoadDeviceCertificate(node.DeviceId)!;

        using var receiver = StartReceiver(rig, port);
        Assert.Null(receiver.Device(node.DeviceId));
        var env = new Dictionary<string, string> { [ReceiverRegistry.TokenVariable] = receiver.CreateToken("provisioner"), ["NODECTL_OPERATOR"] = "line-operator" };
        string[] args = advised.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];
        for (int run = 1; run <= 2; run++)
        {
            var (exit, stdout, stderr) = CommandRunner.Run(RegisterCommand.Create(Lookup(env)), args);
            Assert.True(exit == 0, $"run {run}: {stderr}\n{receiver.Output}");
            Assert.Contains($"registered {node.DeviceId}", stdout);
        }
        var device = receiver.Device(node.DeviceId) ?? throw new Xunit.Sdk.XunitException("the receiver does not know the device");
        Assert.Equal(issued.SerialNumber, device.GetProperty("certSerial").GetString(), StringComparer.OrdinalIgnoreCase);
        Assert.True(device.GetProperty("registered").GetBoolean());
        Assert.False(device.GetProperty("revoked").GetBoolean());
        Assert.Equal(["greenhouse-3", "north"], device.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("esp32-devkitc-v4", device.GetProperty("board").GetString());

        // revoked in the fleet's store: refused before anything is sent
        rig.Pki.RevokeDeviceAndPublish(rig.Ca, node.DeviceId, X509RevocationReason.KeyCompromise);
        long auditLength = new FileInfo(rig.AuditPath).Length;
        var refused = CommandRunner.Run(RegisterCommand.Create(Lookup(env)), args);
        Assert.Equal(1, refused.Exit);
        Assert.Contains("was revoked", refused.Err);
        Assert.Equal(auditLength, new FileInfo(rig.AuditPath).Length);
        Assert.Equal(issued.SerialNumber, receiver.Device(node.DeviceId)!.Value.GetProperty("certSerial").GetString(), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_viewer_token_is_refused_by_the_receiver_with_its_reason_and_nothing_is_registered()
    {
        using var rig = new ProvisioningRig();
        int port = LoopbackPort.Free();
        var node = new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(231));
        string advised = ProvisionWithReceiverDown(rig, node, $"http://127.0.0.1:{port}/");

        using var receiver = StartReceiver(rig, port);
        var env = new Dictionary<string, string> { [ReceiverRegistry.TokenVariable] = receiver.CreateToken("viewer"), ["NODECTL_OPERATOR"] = "line-operator" };
        var (exit, _, stderr) = CommandRunner.Run(RegisterCommand.Create(Lookup(env)), advised.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]);
        Assert.Equal(1, exit);
        Assert.Contains($"{node.DeviceId} is NOT registered", stderr);
        Assert.Contains("403", stderr);
        Assert.Null(receiver.Device(node.DeviceId));
        var last = rig.Records()[^1];
        Assert.Equal(("register", "failed"), (last.Action, last.Result));
    }
}
