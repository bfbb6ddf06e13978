using NodeFirmware.Core.Provisioning;
using NodeFirmware.Nodectl.Provisioning;
using NodeSim.Provisioning;

namespace NodeFirmware.Nodectl.Tests.Provisioning;

public class RerunTests
{
    [Fact]
    public void Re_running_on_a_provisioned_device_issues_nothing_and_finishes_registration()
    {
        using var rig = new ProvisioningRig();
        using var receiver = new TestReceiver { Status = 503 };
        using var registry = new ReceiverRegistry(new Uri(receiver.BaseUrl));
        var node = new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(42));

        var first = rig.Provisioner(registry).Provision(ProvisioningRig.Connect(node).Client, rig.Settings());
        Assert.Equal(ProvisionOutcome.Provisioned, first.Outcome);
        Assert.False(first.Registered);
        Assert.Contains("503", first.RegistrationProblem);

        receiver.Status = 201;
        var second = rig.Provisioner(registry).Provision(ProvisioningRig.Connect(node).Client, rig.Settings());
        Assert.Equal(ProvisionOutcome.AlreadyProvisioned, second.Outcome);
        Assert.True(second.Registered);
        Assert.Equal(first.CertSerial, second.CertSerial);
        Assert.Equal(first.CertSerial, Assert.Single(receiver.Registrations).CertSerial);

        var records = rig.Records();
        Assert.Equal(new[] { ("provision", "ok"), ("register", "failed"), ("provision", "ok"), ("register", "ok") },
            records.Select(r => (r.Action, r.Result)));
        Assert.Contains("nothing issued", records[2].Detail);
    }

    [Fact]
    public void Device_provisioned_elsewhere_is_refused_unless_factory_reset()
    {
        using var rig = new ProvisioningRig();
        using var other = new ProvisioningRig();
        var node = new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(43));
        var foreign = other.Provisioner().Provision(ProvisioningRig.Connect(node).Client, other.Settings());

        var e = Assert.Throws<ProvisioningFailedException>(() => rig.Provisioner().Provision(ProvisioningRig.Connect(node).Client, rig.Settings()));
        Assert.Contains("--factory-reset", e.Message);
        Assert.Null(rig.Pki.LoadDeviceCertificate(node.DeviceId));

        // The other store provisioned it with its own release key; that key signs the reset.
        using var otherSigner = other.ResetSigner();
        var reset = rig.Provisioner().Provision(ProvisioningRig.Connect(node).Client, rig.Settings() with { FactoryReset = true, ResetSigner = otherSigner });
        Assert.Equal(ProvisionOutcome.Provisioned, reset.Outcome);
        Assert.NotEqual(foreign.CertSerial, reset.CertSerial);
        rig.AssertValidIdentity(node).Dispose();
        var records = rig.Records();
        Assert.DoesNotContain(records, r => r.Action == "revoke"); // not this store's certificate: nothing of it to revoke here
        Assert.Contains("this store did not issue", records[^1].Detail);
    }

    [Fact]
    public void Expected_mac_mismatch_stops_before_anything_is_issued()
    {
        using var rig = new ProvisioningRig();
        var node = new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(44));
        var settings = rig.Settings() with { ExpectedMac = VirtualProvisioningNode.MacFor(45) };
        var e = Assert.Throws<ProvisioningFailedException>(() => rig.Provisioner().Provision(ProvisioningRig.Connect(node).Client, settings));
        Assert.Contains("expected MAC is 24:0a:c4:00:00:2d", e.Message);
        Assert.Equal(IdentityState.Empty, node.Store.State);
        Assert.Null(rig.Pki.LoadDeviceCertificate(node.DeviceId));

        var ok = rig.Provisioner().Provision(ProvisioningRig.Connect(node).Client, rig.Settings() with { ExpectedMac = VirtualProvisioningNode.MacFor(44) });
        Assert.Equal(ProvisionOutcome.Provisioned, ok.Outcome);
    }

    [Fact]
    public void Lost_commit_reply_is_completed_by_a_re_run_without_a_new_certificate()
    {
        using var rig = new ProvisioningRig();
        var node = new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(46));
        var (client, _) = ProvisioningRig.Connect(node, FrameTamper.Rewrite(f => f.Type == MessageType.Committed ? null : FrameTamper.Same(f)));
        var e = Assert.Throws<ProvisioningFailedException>(() => rig.Provisioner().Provision(client, rig.Settings()));
        Assert.Equal("commit", e.Stage);
        Assert.Equal(IdentityState.Committed, node.Store.State); // the device did commit; only the reply was lost

        var again = rig.Provisioner().Provision(ProvisioningRig.Connect(node).Client, rig.Settings());
        Assert.Equal(ProvisionOutcome.AlreadyProvisioned, again.Outcome);
        Assert.Equal(rig.Records()[0].CertSerial, again.CertSerial);
    }
}
