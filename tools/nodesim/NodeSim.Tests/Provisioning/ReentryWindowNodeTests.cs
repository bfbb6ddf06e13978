using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NodeFirmware.Core.Provisioning;
using NodeSim.Provisioning;
using NSec.Cryptography;

namespace NodeSim.Tests.Provisioning;

/// <summary>The virtual node's boot-time re-entry window, seen from the line as the device's would be.</summary>
public sealed class ReentryWindowNodeTests : IDisposable
{
    private readonly Key _release = Key.Create(SignatureAlgorithm.Ed25519);
    private int _sequence;

    public void Dispose() => _release.Dispose();

    private Frame? Ask(VirtualProvisioningNode node, MessageType type, byte[]? payload = null)
    {
        byte[] reply = node.Receive(FrameEncoder.Encode(type, ++_sequence, payload ?? []));
        var decoder = new FrameDecoder();
        decoder.Feed(reply, 0, reply.Length);
        return decoder.Next()?.Frame;
    }

    /// <summary>A node whose flash holds a committed identity (self-signed certificate naming it) trusting this test's release key.</summary>
    private VirtualProvisioningNode Provisioned(int index)
    {
        var node = new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(index));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var cert = new CertificateRequest("CN=" + node.DeviceId, key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        var bundle = new ProvisioningBundle
        {
            DeviceId = node.DeviceId,
            DeviceCertificate = cert.RawData,
            DevicePrivateKey = key.ExportPkcs8PrivateKey(),
            CaCertificate = cert.RawData,
            BrokerHost = "127.0.0.1",
            BrokerPort = 8883,
            WifiSsid = "bench",
            WifiPassphrase = "bench passphrase",
            ReleasePublicKey = _release.PublicKey.Export(KeyBlobFormat.RawPublicKey),
        };
        node.Store.SaveStored(BundleCodec.Encode(bundle));
        node.Store.Commit();
        node.PowerCycle();
        Assert.True(node.Identity.RunsNode);
        return node;
    }

    private byte[] SignedReset(VirtualProvisioningNode node, byte[] challenge) =>
        FactoryResetAuthorization.EncodePayload(node.DeviceId, challenge,
            SignatureAlgorithm.Ed25519.Sign(_release, FactoryResetAuthorization.SignedMessage(node.DeviceId, challenge)));

    [Fact]
    public void A_provisioned_node_answers_in_its_window_then_runs_and_answers_nothing()
    {
        var node = Provisioned(500);
        Assert.True(node.WindowOpen);
        var hello = DeviceHello.Decode(Ask(node, MessageType.Hello)!.Payload);
        Assert.Equal(node.Challenge, hello.Challenge);

        Assert.True(node.WindowElapsed());
        Assert.True(node.RunningNode);
        Assert.Null(Ask(node, MessageType.Hello));

        node.PowerCycle();
        Assert.True(node.WindowOpen);
        Assert.NotNull(Ask(node, MessageType.Hello));
    }

    [Fact]
    public void A_signed_reset_in_the_window_keeps_the_node_in_provisioning_mode()
    {
        var node = Provisioned(501);
        Assert.Equal(MessageType.ResetDone, Ask(node, MessageType.FactoryReset, SignedReset(node, node.Challenge))!.Type);
        Assert.False(node.WindowOpen);
        Assert.False(node.WindowElapsed());
        Assert.False(node.RunningNode);
        Assert.Equal(IdentityState.Empty, DeviceHello.Decode(Ask(node, MessageType.Hello)!.Payload).State);
    }

    [Fact]
    public void A_reset_signed_for_the_previous_start_is_refused()
    {
        var node = Provisioned(502);
        byte[] old = node.Challenge;
        node.PowerCycle();
        var reply = Ask(node, MessageType.FactoryReset, SignedReset(node, old))!;
        Assert.Equal(MessageType.Error, reply.Type);
        Assert.Equal(ErrorCode.StaleChallenge, ErrorReply.Decode(reply.Payload).Code);
        Assert.True(node.WindowOpen);
        Assert.Equal(IdentityState.Committed, node.Store.State);
    }

    [Fact]
    public void An_unprovisioned_node_has_no_window_and_a_reboot_reopens_the_window_once_provisioned()
    {
        var node = new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(503));
        Assert.False(node.WindowOpen);
        Assert.False(node.WindowElapsed());
        Assert.NotNull(Ask(node, MessageType.Hello));

        var provisioned = Provisioned(504);
        int boots = provisioned.Boots;
        Assert.Equal(MessageType.Rebooting, Ask(provisioned, MessageType.Reboot)!.Type);
        Assert.Equal(boots + 1, provisioned.Boots);
        Assert.True(provisioned.WindowOpen);
    }

    [Fact]
    public void Each_start_makes_a_new_challenge()
    {
        var node = new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(505));
        var seen = new HashSet<string>();
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(FactoryResetAuthorization.NonceSize, node.Challenge.Length);
            Assert.True(seen.Add(Convert.ToHexString(node.Challenge)));
            node.PowerCycle();
        }
    }
}
