using System.Security.Cryptography;
using System.Text.Json;
using NodeFirmware.Nodectl.Provisioning;
using NodeFirmware.Nodectl.Tests.Partitions;
using NodeSim.Provisioning;

namespace NodeFirmware.Nodectl.Tests.Provisioning;

/// <summary>
/// `nodectl provision --json` with the key made here (the default) and with --key-on-device: the JSON says where the key
/// was made ("keyMadeOn", as the station's unit reports do), the audit record says so for a device key only, and in both
/// cases the device holds the key its registered certificate certifies and the bundle hash is that of what it stored.
/// </summary>
public class ProvisionKeyOriginTests
{
    private static (int Exit, JsonElement Json, string Err) Provision(ProvisioningRig rig, TestReceiver receiver, string endpoint, params string[] extra)
    {
        var env = new Dictionary<string, string> { ["FACTORY_WIFI"] = ProvisioningRig.WifiPassphrase, ["NODECTL_OPERATOR"] = "line-operator" };
        var (exit, stdout, stderr) = CommandRunner.Run(ProvisionCommand.Create(() => ProvisioningRig.CaPassphrase, name => env.TryGetValue(name, out var v) ? v : null),
            ["provision", "--tcp", endpoint, "--ca-dir", rig.PkiDirectory, "--broker", "127.0.0.1:8883", "--wifi-ssid", "greenhouse", "--wifi-pass-env", "FACTORY_WIFI",
             "--release-pubkey", rig.ReleaseKeyPath, "--receiver", receiver.BaseUrl, "--json", .. extra]);
        Assert.True(stdout.Trim().Split('\n').Length == 1, "--json prints one line on stdout: " + stdout);
        return (exit, JsonDocument.Parse(stdout).RootElement.Clone(), stderr);
    }

    [Theory]
    [InlineData(false, "host")]
    [InlineData(true, "device")]
    public void The_json_and_the_audit_say_where_the_key_was_made_and_the_device_holds_the_key_its_registered_certificate_names(bool keyOnDevice, string madeOn)
    {
        using var rig = new ProvisioningRig();
        using var receiver = new TestReceiver();
        var node = new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(keyOnDevice ? 631 : 630));
        using var port = new ProvisioningTcpPort(node);

        var (exit, json, stderr) = Provision(rig, receiver, port.Endpoint, keyOnDevice ? ["--key-on-device"] : []);

        Assert.True(exit == 0, stderr);
        var board = Assert.Single(json.GetProperty("devices").EnumerateArray());
        Assert.Equal(madeOn, board.GetProperty("keyMadeOn").GetString());
        using var certificate = rig.AssertValidIdentity(node); // chains to the CA, names the node, certifies the key it stored
        Assert.Equal(certificate.SerialNumber, board.GetProperty("certSerial").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(node.Store.BundleBytes)), board.GetProperty("bundleSha256").GetString());
        var registration = Assert.Single(receiver.Registrations);
        Assert.Equal(certificate.SerialNumber, registration.CertSerial, StringComparer.OrdinalIgnoreCase);
        Assert.Empty(Directory.GetFiles(rig.PkiDirectory, "device.key", SearchOption.AllDirectories)); // no copy of the key stays here either way

        var record = Assert.Single(rig.Records(), r => r.Action == "provision");
        Assert.Equal("ok", record.Result);
        Assert.Equal(keyOnDevice, record.Detail!.Contains("the device made its own key"));
    }

    [Fact]
    public void Provisioning_a_board_that_already_holds_this_stores_certificate_issues_no_key_and_says_none()
    {
        using var rig = new ProvisioningRig();
        using var receiver = new TestReceiver();
        var node = new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(632));
        using var port = new ProvisioningTcpPort(node);
        Assert.Equal(0, Provision(rig, receiver, port.Endpoint, "--key-on-device").Exit);

        var (exit, json, stderr) = Provision(rig, receiver, port.Endpoint, "--key-on-device");

        Assert.True(exit == 0, stderr);
        var board = Assert.Single(json.GetProperty("devices").EnumerateArray());
        Assert.Equal("already-provisioned", board.GetProperty("outcome").GetString());
        Assert.False(board.TryGetProperty("keyMadeOn", out _));
    }
}
