using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NodeFirmware.Core.Provisioning;
using NodeFirmware.Nodectl.Flashing;
using NodeFirmware.Nodectl.Provisioning;
using NodeSim.Provisioning;

namespace NodeFirmware.Nodectl.Tests.Provisioning;

/// <summary>
/// `nodectl provision --key-on-device` against a virtual node running Core's session: the device makes its key, the CA
/// certifies the key of a request it checked, the key never crosses the wire, and a request the CA must not sign is refused
/// before anything is issued.
/// </summary>
public class KeyOnDeviceTests
{
    private static VirtualProvisioningNode Node(int i) => new(VirtualProvisioningNode.MacFor(i));

    /// <summary>A link to the node that keeps every frame the host sent.</summary>
    private static (ProvisioningClient Client, List<Frame> Sent) Connect(VirtualProvisioningNode node, Func<byte[], byte[]>? tamper = null)
    {
        var sent = new List<Frame>();
        var decoder = new FrameDecoder(ProvisioningProtocol.AbsoluteMaxPayload);
        var link = new InMemorySerialLink("sim-" + node.DeviceId);
        link.Attach(bytes =>
        {
            decoder.Feed(bytes, 0, bytes.Length);
            for (var r = decoder.Next(); r != null; r = decoder.Next()) if (r.IsFrame) sent.Add(r.Frame);
            byte[] reply = node.Receive(bytes);
            if (tamper is not null) reply = tamper(reply);
            if (reply.Length > 0) link.DeliverFromPeer(reply);
        }, (_, _) => { });
        return (new ProvisioningClient(link, ProvisioningRig.FastClient), sent);
    }

    [Fact]
    public void The_device_makes_its_key_the_CA_certifies_it_and_the_key_never_crosses_the_wire()
    {
        using var rig = new ProvisioningRig();
        var node = Node(410);
        var (client, sent) = Connect(node);
        var result = rig.Provisioner().Provision(client, rig.Settings() with { KeyOnDevice = true });

        Assert.Equal(ProvisionOutcome.Provisioned, result.Outcome);
        Assert.Equal(ProvisionResult.Device, result.KeyMadeOn);
        using var certificate = rig.AssertValidIdentity(node); // chains to the CA, names the node, matches the key it stored
        Assert.Equal(certificate.SerialNumber, result.CertSerial);

        Assert.Contains(sent, f => f.Type == MessageType.GenerateKey);
        var put = Assert.Single(sent, f => f.Type == MessageType.PutBundle);
        Assert.Null(BundleCodec.Decode(put.Payload).DevicePrivateKey);
        var (scalar, pkcs8) = ProvisioningRig.DeviceSecrets(node);
        byte[] everythingSent = sent.SelectMany(f => f.Payload).ToArray();
        Assert.Equal(-1, everythingSent.AsSpan().IndexOf(scalar));
        Assert.Equal(-1, everythingSent.AsSpan().IndexOf(pkcs8));

        Assert.Empty(Directory.GetFiles(rig.PkiDirectory, "device.key", SearchOption.AllDirectories));
        var record = Assert.Single(rig.Records(), r => r.Action == "provision");
        Assert.Equal("ok", record.Result);
        Assert.Contains("the device made its own key", record.Detail);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(node.Store.BundleBytes)), result.BundleSha256);
    }

    [Fact]
    public void A_request_for_another_device_is_refused_and_nothing_is_issued()
    {
        using var rig = new ProvisioningRig();
        var node = Node(411);
        string other = Node(412).DeviceId;
        byte[] forOther = CsrBuilder.Build(DeviceKey.FromPrivate(RandomNumberGenerator.GetBytes(31).Prepend((byte)1).ToArray()), other);
        var (client, _) = Connect(node, FrameTamper.Rewrite(f => f.Type == MessageType.CertificateRequest
            ? FrameEncoder.Encode(f.Type, f.Sequence, forOther) : FrameTamper.Same(f)));
        var e = Assert.Throws<ProvisioningFailedException>(() => rig.Provisioner().Provision(client, rig.Settings() with { KeyOnDevice = true }));
        Assert.Equal("keygen", e.Stage);
        Assert.Contains($"names \"CN={other}\", not \"CN={node.DeviceId}\"", e.Message);
        AssertNothingIssued(rig, node);
    }

    [Fact]
    public void A_request_whose_signature_does_not_verify_is_refused_and_nothing_is_issued()
    {
        using var rig = new ProvisioningRig();
        var node = Node(413);
        var (client, _) = Connect(node, FrameTamper.Rewrite(f =>
        {
            if (f.Type != MessageType.CertificateRequest) return FrameTamper.Same(f);
            byte[] tampered = (byte[])f.Payload.Clone();
            tampered[^3] ^= 0x01; // inside s
            return FrameEncoder.Encode(f.Type, f.Sequence, tampered);
        }));
        var e = Assert.Throws<ProvisioningFailedException>(() => rig.Provisioner().Provision(client, rig.Settings() with { KeyOnDevice = true }));
        Assert.Equal("keygen", e.Stage);
        Assert.Contains("signature does not verify", e.Message);
        AssertNothingIssued(rig, node);
    }

    [Fact]
    public void Firmware_that_cannot_make_its_key_is_told_apart_before_anything_is_issued()
    {
        using var rig = new ProvisioningRig();
        var node = Node(414);
        var (client, sent) = Connect(node, FrameTamper.Rewrite(f =>
        {
            if (f.Type != MessageType.HelloReply) return FrameTamper.Same(f);
            var hello = DeviceHello.Decode(f.Payload);
            hello.CanGenerateKey = false;
            return FrameEncoder.Encode(f.Type, f.Sequence, hello.Encode());
        }));
        var e = Assert.Throws<ProvisioningFailedException>(() => rig.Provisioner().Provision(client, rig.Settings() with { KeyOnDevice = true }));
        Assert.Equal("keygen", e.Stage);
        Assert.Contains("does not make its own key", e.Message);
        Assert.DoesNotContain(sent, f => f.Type == MessageType.GenerateKey);
        AssertNothingIssued(rig, node);
    }

    [Fact]
    public void A_certificate_for_another_key_is_refused_by_the_device_and_nothing_is_stored()
    {
        using var rig = new ProvisioningRig();
        var node = Node(415);
        var (client, _) = Connect(node);
        client.Hello();
        client.GenerateKey();
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = rig.Pki.IssueDevice(rig.Ca, node.DeviceId, new PublicKey(otherKey), null);
        var bundle = BundleCodec.Encode(new ProvisioningBundle
        {
            DeviceId = node.DeviceId, DeviceCertificate = certificate.RawData, CaCertificate = rig.Ca.Certificate.RawData,
            BrokerHost = "broker.example", BrokerPort = 8883, WifiSsid = "greenhouse", WifiPassphrase = "", ReleasePublicKey = rig.ReleaseKey,
        });
        var refused = Assert.Throws<DeviceRefusedException>(() => client.PutBundle(bundle));
        Assert.Equal(ErrorCode.KeyMismatch, refused.Code);
        Assert.Equal(IdentityState.Empty, node.Store.State);
    }

    private static void AssertNothingIssued(ProvisioningRig rig, VirtualProvisioningNode node)
    {
        Assert.Empty(Directory.GetFiles(rig.PkiDirectory, "device.crt", SearchOption.AllDirectories));
        var record = Assert.Single(rig.Records());
        Assert.Equal("failed", record.Result);
        Assert.Null(record.CertSerial);
        Assert.Contains("nothing was issued", record.Detail);
        Assert.Equal(IdentityState.Empty, node.Store.State);
    }
}
