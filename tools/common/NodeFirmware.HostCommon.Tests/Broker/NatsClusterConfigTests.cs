using NodeFirmware.HostCommon.Broker;
using NodeFirmware.HostCommon.Pki;

namespace NodeFirmware.HostCommon.Tests.Broker;

/// <summary>The NATS cluster's configuration carries the Mosquitto ACL's rules per certificate, and refuses what it cannot express.</summary>
public sealed class NatsClusterConfigTests : IDisposable
{
    private readonly BrokerTestPki _pki = new();
    private readonly Pki.TempDirectory _dir = new("nf-nats-conf-");

    public void Dispose()
    {
        _pki.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData("nodes/+/telemetry", "nodes.*.telemetry")]
    [InlineData("nodes/+/#", "nodes.*.>")]
    [InlineData("nodes/esp32-0000000000e1/ota/chunk", "nodes.esp32-0000000000e1.ota.chunk")]
    public void Topic_filters_become_subjects(string topic, string subject) => Assert.Equal(subject, NatsClusterConfig.ToSubject(topic));

    [Fact]
    public void Each_identity_gets_exactly_its_topic_acl_permissions()
    {
        _pki.Device("esp32-0000000000e1");
        _pki.Store.IssueService(_pki.Ca, "dashboard", ServiceRole.Observer).Dispose();
        var config = NatsClusterConfig.ForStore(_pki.Store, _dir.Combine("cluster"));
        Assert.Equal(["esp32-0000000000e1"], config.DeviceIds);
        Assert.Equal(["receiver"], config.ReceiverIdentities);
        Assert.Equal(["dashboard"], config.ObserverIdentities);

        string conf = config.RenderNode(0);
        string device = conf.Split('\n').Single(l => l.Contains("user: \"CN=esp32-0000000000e1\"", StringComparison.Ordinal));
        Assert.Contains("publish: { allow: [\"nodes.esp32-0000000000e1.telemetry\", \"nodes.esp32-0000000000e1.status\",", device);
        Assert.Contains("subscribe: { allow: [\"nodes.esp32-0000000000e1.telemetry.ack\", \"nodes.esp32-0000000000e1.config\", \"nodes.esp32-0000000000e1.cmd\", \"nodes.esp32-0000000000e1.ota.offer\", \"nodes.esp32-0000000000e1.ota.chunk\", \"$MQTT.sub.>\"]", device);
        Assert.DoesNotContain("*", device);
        string observer = conf.Split('\n').Single(l => l.Contains("user: \"CN=dashboard\"", StringComparison.Ordinal));
        Assert.Contains("publish: { allow: [] }", observer);
        Assert.Contains("stream_replicas: 3", conf);
        Assert.Contains("verify_and_map: true", conf);
        // Routes need the cluster's secret, and every node lists all three.
        Assert.Equal(3, conf.Split("nats-route://route:" + config.RouteSecret + "@127.0.0.1:").Length - 1);
    }

    [Fact]
    public void Only_each_identitys_current_unrevoked_key_is_pinned_and_only_for_mqtt()
    {
        using var replacedCredential = _pki.Store.IssueDevice(_pki.Ca, "esp32-0000000000e2", keepKey: false);
        using var currentCredential = _pki.Store.IssueDevice(_pki.Ca, "esp32-0000000000e2", keepKey: false);
        var (replaced, current) = (replacedCredential.Certificate, currentCredential.Certificate);
        _pki.Device("esp32-0000000000e3");
        _pki.Store.RevokeDevice("esp32-0000000000e3");
        var config = NatsClusterConfig.ForStore(_pki.Store, _dir.Combine("cluster"));

        Assert.Equal(["esp32-0000000000e2"], config.DeviceIds);
        Assert.Contains(NatsClusterConfig.KeyPin(current), config.PinnedKeys);
        Assert.DoesNotContain(NatsClusterConfig.KeyPin(replaced), config.PinnedKeys);
        Assert.Contains(NatsClusterConfig.KeyPin(_pki.Receiver), config.PinnedKeys);
        Assert.Equal(2, config.PinnedKeys.Count);
        string conf = config.RenderNode(0);
        string mqttTls = conf.Split('\n').Single(l => l.Contains("pinned_certs", StringComparison.Ordinal));
        Assert.StartsWith("  tls {", mqttTls); // the MQTT listener's; the core port admits no user at all
        Assert.All(conf.Split('\n').Where(l => l.Contains("user: \"CN=", StringComparison.Ordinal)),
            user => Assert.EndsWith("allowed_connection_types: [\"MQTT\"] }", user));
        Assert.Throws<BrokerException>(() => new NatsClusterConfig
        {
            RunDirectory = config.RunDirectory, CaFile = config.CaFile, CertFile = config.CertFile, KeyFile = config.KeyFile, Nodes = config.Nodes,
            PinnedKeys = ["not a pin"],
        }.RenderNode(0));
    }

    [Fact]
    public void What_it_cannot_express_safely_is_refused()
    {
        var config = NatsClusterConfig.ForStore(_pki.Store, _dir.Combine("cluster"));
        Assert.Throws<BrokerException>(() => new NatsClusterConfig
        {
            RunDirectory = config.RunDirectory, CaFile = config.CaFile, CertFile = config.CertFile, KeyFile = "relative/key.pem", Nodes = config.Nodes,
        }.RenderNode(0));
        Assert.Throws<BrokerException>(() => new NatsClusterConfig
        {
            RunDirectory = config.RunDirectory, CaFile = config.CaFile, CertFile = config.CertFile, KeyFile = config.KeyFile, Nodes = config.Nodes,
            ReceiverIdentities = ["receiver"], ObserverIdentities = ["receiver"],
        }.RenderNode(0));
        Assert.Throws<BrokerException>(() => new NatsClusterConfig
        {
            RunDirectory = config.RunDirectory, CaFile = config.CaFile, CertFile = config.CertFile, KeyFile = config.KeyFile, Nodes = config.Nodes,
            RouteSecret = "short",
        }.RenderNode(0));
    }
}
