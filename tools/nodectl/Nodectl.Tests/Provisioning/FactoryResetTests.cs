using System.Security.Cryptography;
using NodeFirmware.Core.Provisioning;
using NodeFirmware.Nodectl.Flashing;
using NodeFirmware.Nodectl.Provisioning;
using NodeFirmware.Nodectl.Tests.Partitions;
using NodeSim.Provisioning;

namespace NodeFirmware.Nodectl.Tests.Provisioning;

/// <summary>
/// Re-provisioning a board that is already provisioned: in its boot-time re-entry window, with a FACTORY_RESET signed
/// by the release key over the board's challenge, through nodectl provision --factory-reset.
/// </summary>
public class FactoryResetTests
{
    private static Dictionary<string, string> Env() => new() { ["FACTORY_WIFI"] = ProvisioningRig.WifiPassphrase, ["NODECTL_OPERATOR"] = "test-operator" };

    /// <summary>Runs nodectl provision with the release key's passphrase in a variable of its own (the passphrase source reads the process environment).</summary>
    private static (int Exit, string Out, string Err) Provision(ProvisioningRig rig, string releasePassphrase, params string[] extra)
    {
        string variable = "NODECTL_TEST_RELEASE_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, releasePassphrase);
        try
        {
            var env = Env();
            var command = ProvisionCommand.Create(() => ProvisioningRig.CaPassphrase, name => env.TryGetValue(name, out var v) ? v : null, ProvisioningRig.FastClient);
            string[] args =
            [
                "provision", "--ca-dir", rig.PkiDirectory, "--broker", "127.0.0.1:8883", "--wifi-ssid", "greenhouse",
                "--wifi-pass-env", "FACTORY_WIFI", "--release-pubkey", rig.ReleaseKeyPath, "--station", "line-2",
                "--release-passphrase-env", variable, .. extra,
            ];
            return CommandRunner.Run(command, args);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    private static VirtualProvisioningNode ProvisionedNode(ProvisioningRig rig, int index, out ProvisionResult first)
    {
        var node = new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(index));
        first = rig.Provisioner().Provision(ProvisioningRig.Connect(node).Client, rig.Settings());
        Assert.Equal(ProvisionOutcome.Provisioned, first.Outcome);
        Assert.True(node.WindowOpen); // the REBOOT that ended provisioning is a reset: the window is open
        return node;
    }

    [Fact]
    public void Factory_reset_with_the_release_key_commits_a_new_identity_and_revokes_the_old_certificate()
    {
        using var rig = new ProvisioningRig();
        var node = ProvisionedNode(rig, 300, out var first);
        using var port = new ProvisioningTcpPort(node);

        var (exit, stdout, stderr) = Provision(rig, ProvisioningRig.ReleasePassphrase, "--tcp", port.Endpoint, "--factory-reset", "--release-key", rig.ReleaseSigningKeyPath);
        Assert.True(exit == 0, stderr);
        Assert.Contains($"provisioned {node.DeviceId}", stdout);
        using var cert = rig.AssertValidIdentity(node);
        Assert.NotEqual(first.CertSerial, cert.SerialNumber);

        var revoked = Assert.Single(rig.Pki.LoadRevoked());
        Assert.Equal(first.CertSerial, revoked.SerialHex);
        Assert.Equal(System.Security.Cryptography.X509Certificates.X509RevocationReason.Superseded, revoked.Reason);

        var records = rig.Records();
        Assert.Equal(new[] { ("provision", "ok"), ("revoke", "ok"), ("provision", "ok") }, records.Select(r => (r.Action, r.Result)));
        Assert.Equal(first.CertSerial, records[1].CertSerial);
        Assert.Contains("factory-reset by nodectl provision", records[1].Detail);
        Assert.Equal(cert.SerialNumber, records[2].CertSerial);
        Assert.Contains("erased by a signed factory reset; revoked 1 certificate(s)", records[2].Detail);
    }

    [Fact]
    public void A_wrong_release_key_is_refused_by_the_board_with_its_reason_and_changes_nothing()
    {
        using var rig = new ProvisioningRig();
        var node = ProvisionedNode(rig, 301, out var first);
        byte[] before = ((ProvisioningFlash)node.Flash).Snapshot();
        using var port = new ProvisioningTcpPort(node);
        string wrongKey = Path.Combine(rig.Directory, "wrong.key");
        NodeFirmware.Nodectl.Firmware.ReleaseKeyStore.Generate(wrongKey, Path.Combine(rig.Directory, "wrong.pub"), "another passphrase 77", NodeFirmware.Nodectl.Firmware.ReleaseKeyStore.MinimumIterations);

        var (exit, _, stderr) = Provision(rig, "another passphrase 77", "--tcp", port.Endpoint, "--factory-reset", "--release-key", wrongKey);
        Assert.Equal(1, exit);
        Assert.Contains("the device refused the factory reset: BadSignature", stderr);
        Assert.Contains("the board trusts release key", stderr);
        Assert.Contains("nothing was erased or issued", stderr);

        Assert.Equal(before, ((ProvisioningFlash)node.Flash).Snapshot());
        Assert.Single(rig.Pki.LoadDeviceCertificates(node.DeviceId));
        Assert.Empty(rig.Pki.LoadRevoked());
        var failed = rig.Records()[^1];
        Assert.Equal(("provision", "failed", "reset"), (failed.Action, failed.Result, failed.Stage));
    }

    [Fact]
    public void A_reset_signed_at_an_earlier_boot_is_refused_when_replayed()
    {
        using var rig = new ProvisioningRig();
        var node = ProvisionedNode(rig, 302, out _);
        using var signer = rig.ResetSigner();

        // Capture the FACTORY_RESET a real run sends, as someone on the line would.
        var captured = new List<byte[]>();
        var link = new InMemorySerialLink("sim");
        link.Attach(bytes =>
        {
            captured.Add(bytes.ToArray());
            byte[] reply = node.Receive(bytes);
            if (reply.Length > 0) link.DeliverFromPeer(reply);
        }, (_, _) => { });
        var reset = rig.Provisioner().Provision(new ProvisioningClient(link, ProvisioningRig.FastClient), rig.Settings() with { FactoryReset = true, ResetSigner = signer });
        Assert.Equal(ProvisionOutcome.Provisioned, reset.Outcome);
        byte[] resetFrame = captured.Single(f => f.Length > 4 && f[4] == (byte)MessageType.FactoryReset);

        // The board rebooted into its new identity; the old reset is sent again at this boot.
        Assert.True(node.WindowOpen);
        byte[] before = ((ProvisioningFlash)node.Flash).Snapshot();
        var replies = new FrameDecoder();
        byte[] answer = node.Receive(resetFrame);
        replies.Feed(answer, 0, answer.Length);
        var error = ErrorReply.Decode(replies.Next()!.Frame.Payload);
        Assert.Equal(ErrorCode.StaleChallenge, error.Code);
        Assert.Contains("nothing erased", error.Message);
        Assert.Equal(before, ((ProvisioningFlash)node.Flash).Snapshot());
        rig.AssertValidIdentity(node).Dispose();
    }

    [Fact]
    public void Without_a_request_in_the_window_the_board_runs_and_does_not_answer()
    {
        using var rig = new ProvisioningRig();
        var node = ProvisionedNode(rig, 303, out _);
        Assert.True(node.WindowElapsed());
        Assert.True(node.RunningNode);
        byte[] before = ((ProvisioningFlash)node.Flash).Snapshot();
        using var port = new ProvisioningTcpPort(node);

        var (exit, _, stderr) = Provision(rig, ProvisioningRig.ReleasePassphrase, "--tcp", port.Endpoint, "--factory-reset", "--release-key", rig.ReleaseSigningKeyPath);
        Assert.Equal(1, exit);
        Assert.Contains("no answer to HELLO", stderr);
        Assert.Equal(before, ((ProvisioningFlash)node.Flash).Snapshot());

        node.PowerCycle(); // the next power-on opens the window again
        Assert.True(node.WindowOpen);
        Assert.False(node.RunningNode);
    }

    [Fact]
    public void A_reset_in_the_window_keeps_the_board_in_provisioning_mode_when_the_window_elapses()
    {
        using var rig = new ProvisioningRig();
        var node = ProvisionedNode(rig, 304, out _);
        using var signer = rig.ResetSigner();
        var (client, _) = ProvisioningRig.Connect(node);
        var hello = client.Hello();
        Assert.Equal(node.Challenge, hello.Challenge);
        client.FactoryReset(signer.Sign(node.DeviceId, hello.Challenge!));
        Assert.False(node.WindowElapsed());
        Assert.Equal(IdentityState.Empty, client.Hello().State);
    }

    [Fact]
    public void Factory_reset_needs_the_release_key_and_a_wrong_passphrase_stops_before_the_board()
    {
        using var rig = new ProvisioningRig();
        var node = ProvisionedNode(rig, 305, out _);
        using var port = new ProvisioningTcpPort(node);
        int connections = port.Connections;

        var (exit, _, stderr) = Provision(rig, ProvisioningRig.ReleasePassphrase, "--tcp", port.Endpoint, "--factory-reset");
        Assert.Equal(1, exit);
        Assert.Contains("--factory-reset needs --release-key", stderr);

        (exit, _, stderr) = Provision(rig, "not the passphrase", "--tcp", port.Endpoint, "--factory-reset", "--release-key", rig.ReleaseSigningKeyPath);
        Assert.Equal(1, exit);
        Assert.Contains("wrong passphrase", stderr);
        Assert.Equal(connections, port.Connections);
        rig.AssertValidIdentity(node).Dispose();
    }

    [Fact]
    public void After_a_reset_nodectl_knocks_until_the_booting_board_opens_its_window()
    {
        using var rig = new ProvisioningRig();
        var node = ProvisionedNode(rig, 306, out var first);
        using var signer = rig.ResetSigner();
        // The board is still booting for its first HELLOs: the line swallows them, as the console UART does before the window.
        int swallowed = 0;
        var link = new InMemorySerialLink("sim");
        link.Attach(bytes =>
        {
            if (swallowed++ < 3) return;
            byte[] reply = node.Receive(bytes);
            if (reply.Length > 0) link.DeliverFromPeer(reply);
        }, (_, _) => { });
        var options = ProvisioningRig.FastClient with { KnockInterval = TimeSpan.FromMilliseconds(50) };
        var settings = rig.Settings() with { FactoryReset = true, ResetSigner = signer, KnockFor = TimeSpan.FromSeconds(10) };
        var result = rig.Provisioner().Provision(new ProvisioningClient(link, options), settings);
        Assert.Equal(ProvisionOutcome.Provisioned, result.Outcome);
        Assert.NotEqual(first.CertSerial, result.CertSerial);
        Assert.True(swallowed > 3);
    }

    [Fact]
    public void Knocking_at_a_board_that_never_opens_a_window_ends_with_no_answer_to_hello()
    {
        using var rig = new ProvisioningRig();
        var node = ProvisionedNode(rig, 307, out _);
        node.WindowElapsed();
        using var signer = rig.ResetSigner();
        var options = ProvisioningRig.FastClient with { KnockInterval = TimeSpan.FromMilliseconds(50) };
        var settings = rig.Settings() with { FactoryReset = true, ResetSigner = signer, KnockFor = TimeSpan.FromMilliseconds(400) };
        var e = Assert.Throws<ProvisioningFailedException>(() => rig.Provisioner().Provision(ProvisioningRig.Connect(node, options: options).Client, settings));
        Assert.Equal("hello", e.Stage);
        Assert.Contains("no answer to HELLO", e.Message);
        rig.AssertValidIdentity(node).Dispose();
    }
}
