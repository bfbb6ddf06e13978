using NodeFirmware.Core.Provisioning;
using NodeFirmware.Nodectl.Audit;
using NodeFirmware.Nodectl.Flashing;
using NodeFirmware.Nodectl.Provisioning;
using NodeSim.Provisioning;

namespace NodeFirmware.Nodectl.Tests.Provisioning;

public class HostilePeerTests
{
    private static VirtualProvisioningNode Node(int i = 7) => new(VirtualProvisioningNode.MacFor(i));

    private static AuditRecord OnlyRecord(ProvisioningRig rig)
    {
        var record = Assert.Single(rig.Records());
        Assert.Equal("provision", record.Action);
        Assert.Equal("failed", record.Result);
        return record;
    }

    [Fact]
    public void Peer_sending_only_garbage_gets_a_clear_error_and_no_success_record()
    {
        using var rig = new ProvisioningRig();
        var link = new InMemorySerialLink("garbage");
        var random = new Random(3);
        link.Attach(_ =>
        {
            var junk = new byte[300];
            random.NextBytes(junk);
            link.DeliverFromPeer(junk);
        }, (_, _) => { });
        var e = Assert.Throws<ProvisioningFailedException>(() => rig.Provisioner().Provision(new ProvisioningClient(link, ProvisioningRig.FastClient), rig.Settings()));
        Assert.Equal("hello", e.Stage);
        Assert.Contains("HELLO", e.Message);
        Assert.Contains("nothing was issued", e.Message);
        var record = OnlyRecord(rig);
        Assert.Equal("hello", record.Stage);
        Assert.Null(record.CertSerial);
        Assert.Empty(Directory.GetFiles(rig.PkiDirectory, "device.crt", SearchOption.AllDirectories));
    }

    [Fact]
    public void Flood_of_noise_is_called_out_as_not_provisioning_mode()
    {
        using var rig = new ProvisioningRig();
        var link = new InMemorySerialLink("chatty");
        var noise = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("I (3120) wifi: connecting...\r\n", 4000)));
        link.Attach(_ => link.DeliverFromPeer(noise), (_, _) => { });
        var e = Assert.Throws<ProvisioningFailedException>(() => rig.Provisioner().Provision(new ProvisioningClient(link, ProvisioningRig.FastClient), rig.Settings()));
        Assert.Contains("not in provisioning mode", e.Message);
    }

    [Fact]
    public void Silent_peer_times_out_with_a_hint()
    {
        using var rig = new ProvisioningRig();
        var link = new InMemorySerialLink("silent");
        link.Attach(_ => { }, (_, _) => { });
        var e = Assert.Throws<ProvisioningFailedException>(() => rig.Provisioner().Provision(new ProvisioningClient(link, ProvisioningRig.FastClient), rig.Settings()));
        Assert.Contains("silent", e.Message);
        Assert.Equal("failed", OnlyRecord(rig).Result);
    }

    [Fact]
    public void Peer_that_stalls_after_hello_leaves_an_issued_but_not_stored_record()
    {
        using var rig = new ProvisioningRig();
        var node = Node();
        var (client, _) = ProvisioningRig.Connect(node, FrameTamper.Rewrite(f => f.Type == MessageType.HelloReply ? FrameTamper.Same(f) : null));
        var e = Assert.Throws<ProvisioningFailedException>(() => rig.Provisioner().Provision(client, rig.Settings()));
        Assert.Equal("store", e.Stage);
        var record = OnlyRecord(rig);
        Assert.Equal("store", record.Stage);
        Assert.NotNull(record.CertSerial);
        Assert.Contains("issued", record.Detail);
        Assert.Contains("holds no committed identity", record.Detail);
        Assert.NotEqual(IdentityState.Committed, node.Store.State);
    }

    [Fact]
    public void Wrong_hash_is_detected_and_nothing_is_committed()
    {
        using var rig = new ProvisioningRig();
        var node = Node();
        var (client, _) = ProvisioningRig.Connect(node, FrameTamper.Rewrite(f =>
        {
            if (f.Type != MessageType.Stored) return FrameTamper.Same(f);
            var hash = (byte[])f.Payload.Clone();
            hash[5] ^= 0x40;
            return FrameEncoder.Encode(f.Type, f.Sequence, hash);
        }));
        var e = Assert.Throws<ProvisioningFailedException>(() => rig.Provisioner().Provision(client, rig.Settings()));
        Assert.Equal("verify", e.Stage);
        Assert.Contains("not committed", e.Message);
        Assert.Equal(IdentityState.Stored, node.Store.State);
        var record = OnlyRecord(rig);
        Assert.Equal("verify", record.Stage);
        Assert.NotNull(record.BundleSha256);

        // The same board, now honest, is provisioned by a re-run.
        var (honest, _) = ProvisioningRig.Connect(node);
        var result = rig.Provisioner().Provision(honest, rig.Settings());
        Assert.Equal(ProvisionOutcome.Provisioned, result.Outcome);
        Assert.NotEqual(record.CertSerial, result.CertSerial);
        rig.AssertValidIdentity(node).Dispose();
    }

    [Fact]
    public void Peer_whose_claimed_id_does_not_match_its_mac_is_refused()
    {
        using var rig = new ProvisioningRig();
        var node = Node();
        var (client, _) = ProvisioningRig.Connect(node, FrameTamper.Rewrite(f =>
        {
            if (f.Type != MessageType.HelloReply) return FrameTamper.Same(f);
            var hello = DeviceHello.Decode(f.Payload);
            hello.DeviceId = "esp32-aaaaaaaaaaaa";
            return FrameEncoder.Encode(f.Type, f.Sequence, hello.Encode());
        }));
        var e = Assert.Throws<ProvisioningFailedException>(() => rig.Provisioner().Provision(client, rig.Settings()));
        Assert.Contains("calls itself esp32-aaaaaaaaaaaa", e.Message);
        Assert.Equal(IdentityState.Empty, node.Store.State);
    }

    [Fact]
    public void Reply_of_the_wrong_type_is_an_error()
    {
        using var rig = new ProvisioningRig();
        var node = Node();
        var (client, _) = ProvisioningRig.Connect(node, FrameTamper.Rewrite(f =>
            f.Type == MessageType.Stored ? FrameEncoder.Encode(MessageType.Committed, f.Sequence, null) : FrameTamper.Same(f)));
        var e = Assert.Throws<ProvisioningFailedException>(() => rig.Provisioner().Provision(client, rig.Settings()));
        Assert.Contains("instead of Stored", e.Message);
    }

    [Fact]
    public void Damaged_replies_are_retried_and_stale_sequences_ignored()
    {
        using var rig = new ProvisioningRig();
        var node = Node();
        int damaged = 0;
        var (client, _) = ProvisioningRig.Connect(node, FrameTamper.Rewrite(f =>
        {
            byte[] frame = FrameTamper.Same(f);
            if (f.Type == MessageType.Stored && damaged++ == 0)
            {
                frame[^2] ^= 1; // first STORED arrives damaged; the retry gets the cached reply
                var stale = FrameEncoder.Encode(MessageType.Stored, (f.Sequence + 100) & 0xFFFF, new byte[32]);
                return stale.Concat(frame).ToArray();
            }
            return frame;
        }));
        var result = rig.Provisioner().Provision(client, rig.Settings());
        Assert.Equal(ProvisionOutcome.Provisioned, result.Outcome);
        Assert.True(client.RejectedFrames >= 1);
        rig.AssertValidIdentity(node).Dispose();
    }

    [Fact]
    public void Device_refusal_is_reported_with_its_code()
    {
        using var rig = new ProvisioningRig();
        var node = Node();
        var (client, _) = ProvisioningRig.Connect(node);
        var settings = rig.Settings() with { BrokerHost = "bad host name" };
        // Caught by the dry run before anything is issued.
        var e = Assert.Throws<ProvisioningFailedException>(() => rig.Provisioner().Provision(client, settings));
        Assert.Equal("settings", e.Stage);
        Assert.Contains("'host'", e.Message);
        Assert.Empty(Directory.GetFiles(rig.PkiDirectory, "device.crt", SearchOption.AllDirectories));

        // A device that refuses for its own reasons: the error names the code.
        var (refusing, _) = ProvisioningRig.Connect(node, FrameTamper.Rewrite(f => f.Type == MessageType.Stored
            ? FrameEncoder.Encode(MessageType.Error, f.Sequence, new ErrorReply(ErrorCode.StorageFailed, "flash worn out").Encode())
            : FrameTamper.Same(f)));
        var refused = Assert.Throws<ProvisioningFailedException>(() => rig.Provisioner().Provision(refusing, rig.Settings()));
        Assert.Contains("StorageFailed", refused.Message);
        Assert.Contains("flash worn out", refused.Message);
        Assert.DoesNotContain(rig.Records(), r => r.Result == "ok");
    }

    [Fact]
    public void Reply_cut_off_half_way_is_retried_and_the_device_answers_once()
    {
        using var rig = new ProvisioningRig();
        var node = Node();
        int cut = 0;
        var (client, _) = ProvisioningRig.Connect(node, FrameTamper.Rewrite(f =>
        {
            byte[] frame = FrameTamper.Same(f);
            return f.Type == MessageType.Stored && cut++ == 0 ? frame[..(frame.Length / 2)] : frame;
        }));
        var result = rig.Provisioner().Provision(client, rig.Settings());
        Assert.Equal(ProvisionOutcome.Provisioned, result.Outcome);
        Assert.Equal(1, cut - 1); // one cut reply, one replayed reply
        rig.AssertValidIdentity(node).Dispose();
    }
}
