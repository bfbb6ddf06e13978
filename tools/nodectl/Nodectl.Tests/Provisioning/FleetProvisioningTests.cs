using System.Security.Cryptography.X509Certificates;
using NodeFirmware.Nodectl.Provisioning;
using NodeSim.Provisioning;

namespace NodeFirmware.Nodectl.Tests.Provisioning;

public class FleetProvisioningTests
{
    [Fact]
    public void A_hundred_virtual_devices_each_get_a_unique_valid_identity_and_an_audited_registration()
    {
        using var rig = new ProvisioningRig();
        using var receiver = new TestReceiver();
        using var registry = new ReceiverRegistry(new Uri(receiver.BaseUrl));
        var provisioner = rig.Provisioner(registry);
        var nodes = Enumerable.Range(1, 100).Select(i => new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(0x1000 + i))).ToList();

        var results = new List<ProvisionResult>();
        foreach (var node in nodes)
        {
            var (client, _) = ProvisioningRig.Connect(node);
            results.Add(provisioner.Provision(client, rig.Settings("line-a", "batch-7")));
        }

        var serials = new HashSet<string>();
        var ids = new HashSet<string>();
        for (int i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            var result = results[i];
            Assert.Equal(ProvisionOutcome.Provisioned, result.Outcome);
            Assert.True(result.Registered);
            Assert.Equal(node.DeviceId, result.DeviceId);
            Assert.Equal($"esp32-240ac4{0x1000 + i + 1:x6}", node.DeviceId);
            using X509Certificate2 cert = rig.AssertValidIdentity(node);
            Assert.Equal(result.CertSerial, cert.SerialNumber);
            Assert.True(serials.Add(cert.SerialNumber), "serial reused");
            Assert.True(ids.Add(node.DeviceId));
            Assert.Equal(1, node.Boots); // rebooted into normal operation once committed
            Assert.Equal(NodeFirmware.Core.Provisioning.IdentityState.Committed, node.Store.State);
        }

        var records = rig.Records();
        var provisions = records.Where(r => r.Action == "provision").ToList();
        Assert.Equal(100, provisions.Count);
        Assert.All(provisions, r => Assert.Equal("ok", r.Result));
        Assert.Equal(nodes.Select(n => n.DeviceId), provisions.Select(r => r.Device));
        Assert.Equal(results.Select(r => r.CertSerial), provisions.Select(r => r.CertSerial));
        Assert.Equal(results.Select(r => r.BundleSha256), provisions.Select(r => r.BundleSha256));
        Assert.All(provisions, r => Assert.Equal(64, r.CertSha256!.Length));
        var registrations = records.Where(r => r.Action == "register").ToList();
        Assert.Equal(100, registrations.Count);
        Assert.All(registrations, r => Assert.Equal("ok", r.Result));
        Assert.Equal(200, records.Count);

        var sent = receiver.Registrations;
        Assert.Equal(100, sent.Count);
        Assert.Equal(nodes.Select(n => n.DeviceId), sent.Select(r => r.Id));
        Assert.Equal(results.Select(r => r.CertSerial), sent.Select(r => r.CertSerial));
        Assert.All(sent, r => Assert.Equal(new[] { "line-a", "batch-7" }, r.Tags));
        Assert.All(sent, r => Assert.Equal("esp32-devkitc", r.Board));

        string log = File.ReadAllText(rig.AuditPath);
        Assert.DoesNotContain(ProvisioningRig.WifiPassphrase, log);
        Assert.DoesNotContain(ProvisioningRig.CaPassphrase, log);
        foreach (var node in nodes)
        {
            var (scalar, pkcs8) = ProvisioningRig.DeviceSecrets(node);
            ProvisioningRig.AssertSecretAbsent(log, scalar, node.DeviceId + " private scalar");
            ProvisioningRig.AssertSecretAbsent(log, pkcs8, node.DeviceId + " PKCS#8 key");
        }
        // Nor does the PKI store keep device keys: they exist only on the devices.
        Assert.Empty(Directory.GetFiles(rig.PkiDirectory, "device.key", SearchOption.AllDirectories));
        Assert.Equal(100, Directory.GetFiles(rig.PkiDirectory, "device.crt", SearchOption.AllDirectories).Length);
    }
}
