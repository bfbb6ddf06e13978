using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;
using NodeFirmware.HostCommon.Broker;
using NodeFirmware.HostCommon.Pki;

namespace NodeFirmware.HostCommon.Tests.Broker;

/// <summary>
/// Each identity against every topic of the tree, on the real Mosquitto with the generated ACL: what it may publish
/// (MQTT 5 PUBACK success, and the message arrives) and what it may receive. Anything not in the allowed lists must
/// be refused (PUBACK Not authorized, nothing delivered).
/// </summary>
public sealed class BrokerLeastPrivilegeTests : IDisposable
{
    private const string A = "esp32-0000000000a1";
    private const string B = "esp32-0000000000b2";
    private static readonly string[] Leaves =
        ["telemetry", "telemetry/ack", "status", "config", "config/reported", "cmd", "cmd/ack", "ota/offer", "ota/chunk", "ota/req", "ota/progress", "ota/result"];
    private static readonly string[] DeviceWrites = ["telemetry", "status", "config/reported", "cmd/ack", "ota/req", "ota/progress", "ota/result"];
    private static readonly string[] ReceiverWrites = ["telemetry/ack", "config", "cmd", "ota/offer", "ota/chunk"];

    private readonly BrokerTestPki _pki = new();
    private readonly MosquittoInstance _broker;
    private readonly X509Certificate2 _observer;
    private readonly X509Certificate2 _secondReceiver; // the sink: one certificate = one client id, so not the receiver's own

    public BrokerLeastPrivilegeTests()
    {
        using var observer = _pki.Store.IssueService(_pki.Ca, "observer");
        _observer = observer.WithPrivateKey();
        using var second = _pki.Store.IssueService(_pki.Ca, "receiver-2");
        _secondReceiver = second.WithPrivateKey();
        _broker = _pki.StartBroker(_pki.Config(change: c => c.With(receiverIdentities: ["receiver", "receiver-2"], observerIdentities: ["observer"])));
    }

    public void Dispose()
    {
        _observer.Dispose();
        _secondReceiver.Dispose();
        _pki.Dispose();
    }

    private Task<TestMqttClient> Connect(X509Certificate2 identity) =>
        TestMqttClient.ConnectAsync(TestMqttClient.BuildOptions(_broker, identity, _pki.Trust, FleetTrust.CommonName(identity)!, false, MqttProtocolVersion.V500));

    /// <summary>Publishes to every topic of devices A and B; returns the topics the broker accepted, checked against what a full reader saw.</summary>
    private async Task<HashSet<string>> AcceptedPublishes(X509Certificate2 identity)
    {
        await using var sink = await Connect(_secondReceiver);
        await sink.SubscribeAsync("nodes/#");
        await using var publisher = await Connect(identity);
        var accepted = new HashSet<string>();
        foreach (var device in new[] { A, B })
        foreach (var leaf in Leaves)
        {
            string topic = $"nodes/{device}/{leaf}";
            var result = await publisher.PublishAsync(topic, "probe");
            if (result.IsSuccess) accepted.Add(topic);
            else Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, result.ReasonCode);
        }
        // The receiver reads everything under nodes/: it must have seen exactly the accepted ones that it may read.
        await Task.Delay(300);
        var seen = sink.Drain().Select(m => m.Topic).ToHashSet();
        Assert.True(seen.SetEquals(accepted), $"accepted {string.Join(",", accepted)} but delivered {string.Join(",", seen)}");
        return accepted;
    }

    [Fact]
    public async Task A_device_publishes_only_its_own_device_to_cloud_topics()
    {
        var accepted = await AcceptedPublishes(_pki.Device(A));
        Assert.Equal(DeviceWrites.Select(l => $"nodes/{A}/{l}").Order(), accepted.Order());
    }

    [Fact]
    public async Task The_receiver_publishes_only_cloud_to_device_topics()
    {
        var accepted = await AcceptedPublishes(_pki.Receiver);
        Assert.Equal(new[] { A, B }.SelectMany(d => ReceiverWrites.Select(l => $"nodes/{d}/{l}")).Order(), accepted.Order());
    }

    [Fact]
    public async Task An_observer_publishes_nothing_no_command_no_config_no_offer()
    {
        var accepted = await AcceptedPublishes(_observer);
        Assert.Empty(accepted);
    }

    [Fact]
    public async Task Each_identity_receives_only_what_it_may_read()
    {
        await using var observer = await Connect(_observer);
        await using var deviceA = await Connect(_pki.Device(A));
        await using var receiver = await Connect(_pki.Receiver);
        foreach (var c in new[] { observer, deviceA, receiver }) await c.SubscribeAsync("#");
        await using var deviceB = await Connect(_pki.Device(B));

        // Every topic of A and B gets one message from someone allowed to send it.
        foreach (var device in new[] { A, B })
        foreach (var leaf in Leaves)
        {
            var sender = ReceiverWrites.Contains(leaf) ? receiver : device == A ? deviceA : deviceB;
            Assert.True((await sender.PublishAsync($"nodes/{device}/{leaf}", "x")).IsSuccess, $"{device}/{leaf}");
        }
        await Task.Delay(500);
        static HashSet<string> Topics(TestMqttClient c) => c.Drain().Select(m => m.Topic).ToHashSet();

        Assert.Equal(new[] { A, B }.SelectMany(d => new[] { $"nodes/{d}/telemetry", $"nodes/{d}/status" }).Order(), Topics(observer).Order());
        Assert.Equal(new[] { "telemetry/ack", "config", "cmd", "ota/offer", "ota/chunk" }.Select(l => $"nodes/{A}/{l}").Order(), Topics(deviceA).Order());
        Assert.Equal(new[] { A, B }.SelectMany(d => Leaves.Select(l => $"nodes/{d}/{l}")).Order(), Topics(receiver).Order());
    }

    [Fact]
    public async Task A_device_cannot_forge_the_receivers_acknowledgement_for_another_device_or_itself()
    {
        // An ack releases readings from a device's journal: a forged one would make a device drop unstored readings.
        await using var victim = await Connect(_pki.Device(A));
        await victim.SubscribeAsync($"nodes/{A}/telemetry/ack");
        await using var attacker = await Connect(_pki.Device(B));
        var forged = await attacker.PublishAsync($"nodes/{A}/telemetry/ack", "forged");
        var own = await attacker.PublishAsync($"nodes/{B}/telemetry/ack", "forged");
        await using var observer = await Connect(_observer);
        var observed = await observer.PublishAsync($"nodes/{A}/telemetry/ack", "forged");
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forged.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, own.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, observed.ReasonCode);

        // The receiver's own acknowledgement does arrive, and only at the device it names.
        await using var other = await Connect(_pki.Device(B));
        await other.SubscribeAsync("nodes/#");
        await using var receiver = await Connect(_pki.Receiver);
        Assert.True((await receiver.PublishAsync($"nodes/{A}/telemetry/ack", "ack")).IsSuccess);
        await Task.Delay(300);
        Assert.Equal([($"nodes/{A}/telemetry/ack", "ack")], victim.Drain());
        Assert.Empty(other.Drain());
    }
}
