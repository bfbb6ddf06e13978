using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using NodeFirmware.Nodectl.Audit;
using NodeFirmware.Nodectl.Provisioning;
using NodeFirmware.Nodectl.Tests.Partitions;
using NodeSim.Provisioning;

namespace NodeFirmware.Nodectl.Tests.Provisioning;

/// <summary>
/// <c>nodectl provision --json</c> and <c>nodectl audit show --json</c> as a line script reads them: one JSON object on
/// stdout with the documented field names (docs/provisioning.md, "Output for line scripts"), against the real receiver.
/// </summary>
public class ProvisionJsonTests
{
    private static Func<string, string?> Lookup(Dictionary<string, string> env) => name => env.TryGetValue(name, out var v) ? v : null;


    private static (int Exit, JsonElement Json, string Err) Provision(ProvisioningRig rig, Dictionary<string, string> env, params string[] extra)
    {
        var (exit, stdout, stderr) = CommandRunner.Run(ProvisionCommand.Create(() => ProvisioningRig.CaPassphrase, Lookup(env)),
            ["provision", "--ca-dir", rig.PkiDirectory, "--broker", "127.0.0.1:8883", "--wifi-ssid", "greenhouse", "--wifi-pass-env", "FACTORY_WIFI",
             "--release-pubkey", rig.ReleaseKeyPath, "--board", "esp32-devkitc-v4", "--tags", "line-2", "--json", .. extra]);
        Assert.True(stdout.Trim().Split('\n').Length == 1, "--json prints one line on stdout: " + stdout);
        return (exit, JsonDocument.Parse(stdout).RootElement.Clone(), stderr);
    }

    [Fact]
    public void Provision_reports_each_board_registered_with_the_real_receiver_and_one_it_could_not_register_with_the_command_that_finishes_it()
    {
        using var rig = new ProvisioningRig();
        string passphraseFile = Path.Combine(rig.Directory, "ca-passphrase");
        File.WriteAllText(passphraseFile, ProvisioningRig.CaPassphrase + "\n");
        int receiverPort = LoopbackPort.Free();
        var nodes = new[] { 240, 241 }.Select(i => new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(i))).ToList();
        using var portA = new ProvisioningTcpPort(nodes[0]);
        using var portB = new ProvisioningTcpPort(nodes[1]);
        var env = new Dictionary<string, string> { ["FACTORY_WIFI"] = ProvisioningRig.WifiPassphrase, ["NODECTL_OPERATOR"] = "line-operator" };

        using (var receiver = RealReceiver.Start(receiverPort, Path.Combine(rig.Directory, "receiver.db"), rig.PkiDirectory, passphraseFile))
        {
            env[ReceiverRegistry.TokenVariable] = receiver.CreateToken("provisioner");
            var (exit, json, err) = Provision(rig, env, "--tcp", $"127.0.0.1:{portA.Port},{portB.Port}", "--receiver", receiver.BaseUrl);
            Assert.True(exit == 0, err);
            Assert.Equal((true, 0), (json.GetProperty("ok").GetBoolean(), json.GetProperty("exitCode").GetInt32()));
            var boards = json.GetProperty("devices").EnumerateArray().ToList();
            Assert.Equal(nodes.Select(n => n.DeviceId), boards.Select(b => b.GetProperty("deviceId").GetString()));
            foreach (var (board, node) in boards.Zip(nodes))
            {
                using var issued = rig.Pki.LoadDeviceCertificate(node.DeviceId)!;
                Assert.Equal("provisioned", board.GetProperty("outcome").GetString());
                Assert.Equal(issued.SerialNumber, board.GetProperty("certSerial").GetString());
                Assert.Equal(64, board.GetProperty("certSha256").GetString()!.Length);
                Assert.Equal(64, board.GetProperty("bundleSha256").GetString()!.Length);
                Assert.True(board.GetProperty("registered").GetBoolean());
                Assert.False(board.TryGetProperty("registerCommand", out _));
                Assert.StartsWith("127.0.0.1:", board.GetProperty("target").GetString());
                Assert.Equal(issued.SerialNumber, receiver.Device(node.DeviceId)!.Value.GetProperty("certSerial").GetString(), StringComparer.OrdinalIgnoreCase);
            }
            Assert.Contains($"provisioned {nodes[0].DeviceId}", err); // the human text, on stderr
            Assert.DoesNotContain(ProvisioningRig.WifiPassphrase, json.GetRawText() + err);
        }

        // The receiver is gone: provisioned, not registered (exit 2), and the report carries the advised command.
        var third = new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(242));
        using var portC = new ProvisioningTcpPort(third);
        var (down, report, _) = Provision(rig, env, "--tcp", portC.Endpoint, "--receiver", $"http://127.0.0.1:{receiverPort}/");
        Assert.Equal(2, down);
        Assert.Equal((false, 2), (report.GetProperty("ok").GetBoolean(), report.GetProperty("exitCode").GetInt32()));
        var unregistered = report.GetProperty("devices").EnumerateArray().Single();
        Assert.False(unregistered.GetProperty("registered").GetBoolean());
        Assert.Contains("cannot reach the receiver", unregistered.GetProperty("registrationProblem").GetString());
        Assert.StartsWith($"nodectl register --device {third.DeviceId} ", unregistered.GetProperty("registerCommand").GetString());

        // A bad option: exit 1 and the reason, no boards.
        var (bad, refused, _) = Provision(rig, env, "--tcp", portC.Endpoint, "--port", "/dev/null");
        Assert.Equal(1, bad);
        Assert.Contains("exactly one of --port and --tcp", refused.GetProperty("error").GetString());
        Assert.Empty(refused.GetProperty("devices").EnumerateArray());

        // audit show --json: the records shown, with the log's own field names
        var (sexit, sout, serr) = CommandRunner.Run(AuditCommand.Create(), "audit", "show", "--log", rig.AuditPath, "--device", nodes[1].DeviceId, "--json");
        Assert.True(sexit == 0, serr);
        var shown = JsonDocument.Parse(sout).RootElement;
        Assert.True(shown.GetProperty("ok").GetBoolean());
        var records = shown.GetProperty("records").EnumerateArray().ToList();
        var expected = AuditVerifier.Verify(rig.AuditPath).Entries.Where(r => r.Device == nodes[1].DeviceId).ToList();
        Assert.Equal(expected.Select(r => (r.Sequence, r.Action, r.Result)),
            records.Select(r => (r.GetProperty("seq").GetInt64(), r.GetProperty("action").GetString()!, r.GetProperty("result").GetString()!)));
        Assert.Equal(["provision", "register"], records.Select(r => r.GetProperty("action").GetString()));
        Assert.All(records, r => Assert.Equal("line-operator", r.GetProperty("operator").GetString()));
        Assert.Equal(expected[0].CertSerial, records[0].GetProperty("certSerial").GetString());
        Assert.Equal(expected[1].Previous, records[1].GetProperty("prev").GetString());

        // a broken chain: the records before the break, ok false, the problem, exit 1
        var lines = File.ReadAllLines(rig.AuditPath);
        lines[2] = lines[2].Replace("\"result\":\"ok\"", "\"result\":\"OK\"");
        File.WriteAllLines(rig.AuditPath, lines);
        var (texit, tout, _) = CommandRunner.Run(AuditCommand.Create(), "audit", "show", "--log", rig.AuditPath, "--json");
        var tampered = JsonDocument.Parse(tout).RootElement;
        Assert.Equal((1, false), (texit, tampered.GetProperty("ok").GetBoolean()));
        var check = AuditVerifier.Verify(rig.AuditPath);
        Assert.False(check.Ok);
        Assert.InRange(check.Entries.Count, 2, 3); // the changed line itself, or the next one whose "prev" no longer matches
        Assert.Equal(check.Entries.Count, tampered.GetProperty("records").GetArrayLength());
        Assert.StartsWith(check.Problem!, tampered.GetProperty("error").GetString());
    }
}
