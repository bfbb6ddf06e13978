using MQTTnet;
using MQTTnet.Formatter;
using NodeFirmware.HostCommon.Broker;
using NodeFirmware.HostCommon.Pki;

namespace NodeFirmware.HostCommon.Tests.Broker;

/// <summary>The real Mosquitto with the generated configuration: who may connect and who may use which topic.</summary>
public sealed class MutualTlsAclTests : IDisposable
{
    private const string A = "esp32-00000000000a";
    private const string B = "esp32-00000000000b";
    private readonly BrokerTestPki _pki = new();
    private readonly MosquittoInstance _broker;

    public MutualTlsAclTests() => _broker = _pki.StartBroker();

    public void Dispose() => _pki.Dispose();

    [Fact]
    public async Task Device_publishes_on_its_own_topics_and_the_receiver_gets_them()
    {
        await using var receiver = await TestMqttClient.ConnectReceiverAsync(_broker, _pki.Receiver, _pki.Trust, persistent: false);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await receiver.SubscribeAsync("nodes/+/#"));
        await using var a = await TestMqttClient.ConnectDeviceAsync(_broker, _pki.Device(A), _pki.Trust);

        foreach (var topic in new[] { "telemetry", "status", "config/reported", "cmd/ack", "ota/req", "ota/progress", "ota/result" })
        {
            var result = await a.PublishAsync($"nodes/{A}/{topic}", topic);
            Assert.True(result.IsSuccess, $"{topic}: {result.ReasonCode}");
            Assert.Equal(($"nodes/{A}/{topic}", topic), await receiver.NextAsync());
        }
    }

    [Fact]
    public async Task Device_cannot_publish_as_another_device_nor_on_cloud_to_device_topics()
    {
        await using var receiver = await TestMqttClient.ConnectReceiverAsync(_broker, _pki.Receiver, _pki.Trust, persistent: false);
        await receiver.SubscribeAsync("nodes/+/#");
        await using var a = await TestMqttClient.ConnectDeviceAsync(_broker, _pki.Device(A), _pki.Trust);
        await using var b = await TestMqttClient.ConnectDeviceAsync(_broker, _pki.Device(B), _pki.Trust);

        // MQTT 3.1.1 has no way to refuse a PUBLISH: Mosquitto acknowledges it and drops it.
        await b.PublishAsync($"nodes/{A}/telemetry", "forged");
        await b.PublishAsync($"nodes/{A}/status", "forged");
        await b.PublishAsync($"nodes/{B}/cmd", "self-command");
        await b.PublishAsync($"nodes/{B}/config", "self-config");
        await b.PublishAsync($"nodes/{B}/ota/chunk", "self-chunk");
        await b.PublishAsync($"nodes/{B}", "level-above");
        await b.PublishAsync("other/topic", "outside");
        // B's publishes were all acknowledged before this one is sent, so anything forwarded would arrive first.
        await a.PublishAsync($"nodes/{A}/telemetry", "sentinel");
        Assert.Equal(($"nodes/{A}/telemetry", "sentinel"), await receiver.NextAsync());
        Assert.Empty(receiver.Drain());
    }

    [Fact]
    public async Task Device_subscribed_to_another_devices_topics_receives_nothing_of_them()
    {
        await using var receiver = await TestMqttClient.ConnectReceiverAsync(_broker, _pki.Receiver, _pki.Trust, persistent: false);
        await receiver.PublishAsync($"nodes/{A}/config", "retained-for-a", retain: true);
        await using var a = await TestMqttClient.ConnectDeviceAsync(_broker, _pki.Device(A), _pki.Trust);
        await using var b = await TestMqttClient.ConnectDeviceAsync(_broker, _pki.Device(B), _pki.Trust);

        // Mosquitto 2.0.11's acl_file does not refuse a SUBSCRIBE (it answers "granted"); it checks the read
        // rule for every message it would deliver. So B's subscriptions succeed and deliver nothing of A's.
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await a.SubscribeAsync($"nodes/{A}/cmd"));
        foreach (var filter in new[] { $"nodes/{A}/cmd", $"nodes/{A}/#", "nodes/+/config", "nodes/+/cmd", "nodes/#", "#" })
            await b.SubscribeAsync(filter);

        await receiver.PublishAsync($"nodes/{A}/cmd", "for-a");
        await receiver.PublishAsync($"nodes/{A}/ota/offer", "offer-for-a");
        Assert.Equal(($"nodes/{A}/cmd", "for-a"), await a.NextAsync());
        // Everything addressed to A was published before this, so a leak would reach B first.
        await receiver.PublishAsync($"nodes/{B}/cmd", "for-b");
        Assert.Equal(($"nodes/{B}/cmd", "for-b"), await b.NextAsync());
        Assert.All(b.Drain(), m => Assert.Equal(($"nodes/{B}/cmd", "for-b"), m)); // overlapping filters may repeat it
    }

    [Fact]
    public async Task Device_cannot_take_over_another_devices_session_by_client_id()
    {
        await using var a = await TestMqttClient.ConnectDeviceAsync(_broker, _pki.Device(A), _pki.Trust);
        await using var b = await TestMqttClient.ConnectDeviceAsync(_broker, _pki.Device(B), _pki.Trust, clientId: A);
        // use_username_as_clientid: B's session is "B" whatever it asked for, so A is not kicked.
        var stillThere = await a.PublishAsync($"nodes/{A}/telemetry", "still connected");
        Assert.True(stillThere.IsSuccess);
        Assert.True(a.Client.IsConnected);
    }

    [Fact]
    public async Task Receiver_reads_everything_and_writes_only_cloud_to_device_topics()
    {
        await using var a = await TestMqttClient.ConnectDeviceAsync(_broker, _pki.Device(A), _pki.Trust);
        foreach (var topic in new[] { "config", "cmd", "ota/offer", "ota/chunk" })
            Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await a.SubscribeAsync($"nodes/{A}/{topic}"));
        await using var receiver = await TestMqttClient.ConnectReceiverAsync(_broker, _pki.Receiver, _pki.Trust, persistent: false);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await receiver.SubscribeAsync("$share/receivers/nodes/+/telemetry"));

        foreach (var topic in new[] { "config", "cmd", "ota/offer", "ota/chunk" })
        {
            var result = await receiver.PublishAsync($"nodes/{A}/{topic}", topic);
            Assert.True(result.IsSuccess, $"{topic}: {result.ReasonCode}");
            Assert.Equal(($"nodes/{A}/{topic}", topic), await a.NextAsync());
        }

        // MQTT 5 tells the receiver when it is not allowed.
        var forged = await receiver.PublishAsync($"nodes/{A}/telemetry", "forged by receiver");
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forged.ReasonCode);

        await a.PublishAsync($"nodes/{A}/telemetry", "via shared subscription");
        Assert.Equal(($"nodes/{A}/telemetry", "via shared subscription"), await receiver.NextAsync());
    }

    [Fact]
    public async Task Client_without_a_certificate_is_refused()
    {
        var options = TestMqttClient.BuildOptions(_broker, null, _pki.Trust, "anonymous", false, MqttProtocolVersion.V311);
        await Assert.ThrowsAnyAsync<Exception>(() => TestMqttClient.ConnectAsync(options));
        // The same options with a certificate get in, so the refusal is about the certificate.
        var withCert = TestMqttClient.BuildOptions(_broker, _pki.Device(A), _pki.Trust, A, false, MqttProtocolVersion.V311);
        await using var ok = await TestMqttClient.ConnectAsync(withCert);
        Assert.True(ok.Client.IsConnected);
    }

    [Fact]
    public async Task Client_with_a_certificate_from_another_ca_is_refused()
    {
        using var otherCa = FleetCa.Create("intruder");
        using var foreign = otherCa.IssueDevice(A);
        using var foreignCert = foreign.WithPrivateKey();
        await Assert.ThrowsAnyAsync<Exception>(() => TestMqttClient.ConnectDeviceAsync(_broker, foreignCert, _pki.Trust));
        Assert.Contains("certificate verify failed", _broker.ReadLog());
    }

    [Fact]
    public async Task Client_refuses_a_broker_whose_certificate_is_not_from_the_fleet_ca()
    {
        using var otherCa = FleetCa.Create("intruder");
        await Assert.ThrowsAnyAsync<Exception>(() =>
            TestMqttClient.ConnectDeviceAsync(_broker, _pki.Device(A), new FleetTrust(otherCa.Certificate)));
    }
}
