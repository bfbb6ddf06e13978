using NodeFirmware.HostCommon.Broker;

namespace NodeFirmware.HostCommon.Tests.Broker;

/// <summary>QoS 1 messages for the receiver's persistent session wait in the broker while it is away.</summary>
public sealed class PersistenceTests : IDisposable
{
    private const string A = "esp32-00000000000a";
    private readonly BrokerTestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    /// <summary>Creates the receiver's persistent session with its subscription, then leaves.</summary>
    private async Task<TestMqttClient> ReceiverSessionThenOfflineAsync(MosquittoInstance broker)
    {
        var receiver = await TestMqttClient.ConnectReceiverAsync(broker, _pki.Receiver, _pki.Trust);
        await receiver.SubscribeAsync("nodes/+/telemetry");
        await receiver.DisconnectAsync();
        return receiver;
    }

    private async Task PublishAsync(MosquittoInstance broker, string prefix, int count)
    {
        await using var device = await TestMqttClient.ConnectDeviceAsync(broker, _pki.Device(A), _pki.Trust);
        for (var i = 0; i < count; i++)
            Assert.True((await device.PublishAsync($"nodes/{A}/telemetry", $"{prefix}-{i}")).IsSuccess);
    }

    private static async Task<List<string>> ReceiveAsync(TestMqttClient receiver, int count)
    {
        var payloads = new List<string>();
        for (var i = 0; i < count; i++) payloads.Add((await receiver.NextAsync()).Payload);
        return payloads;
    }

    private static IEnumerable<string> Expected(string prefix, int count) => Enumerable.Range(0, count).Select(i => $"{prefix}-{i}");

    /// <summary>Waits for two database saves that both started after now: the second certainly holds what was acknowledged before.</summary>
    private static async Task WaitForAutosaveAfterNowAsync(MosquittoInstance broker)
    {
        var since = DateTime.UtcNow;
        var deadline = since + TestMqttClient.WaitLimit;
        DateTime? first = null;
        while (true)
        {
            var written = broker.DatabaseWrittenUtc;
            if (written > since && first is null) first = written;
            else if (first is not null && written > first) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no autosave of {broker.Config.DatabasePath} within {TestMqttClient.WaitLimit}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Messages_published_while_the_receiver_is_offline_arrive_when_it_reconnects()
    {
        var broker = _pki.StartBroker();
        await using var receiver = await ReceiverSessionThenOfflineAsync(broker);
        await PublishAsync(broker, "offline", 200);

        var result = await receiver.ReconnectAsync();
        Assert.True(result.IsSessionPresent);
        Assert.Equal(Expected("offline", 200), await ReceiveAsync(receiver, 200));
    }

    [Fact]
    public async Task Queued_messages_survive_a_graceful_restart()
    {
        var broker = _pki.StartBroker();
        await using var receiver = await ReceiverSessionThenOfflineAsync(broker);
        await PublishAsync(broker, "restart", 50);
        broker.Restart(); // SIGTERM: Mosquitto saves on the way out

        var result = await receiver.ReconnectAsync();
        Assert.True(result.IsSessionPresent);
        Assert.Equal(Expected("restart", 50), await ReceiveAsync(receiver, 50));
    }

    [Fact]
    public async Task Queued_messages_survive_sigkill_once_autosave_has_run()
    {
        var broker = _pki.StartBroker();
        await using var receiver = await ReceiverSessionThenOfflineAsync(broker);
        await PublishAsync(broker, "kill", 50);
        await WaitForAutosaveAfterNowAsync(broker);

        var port = broker.Port;
        broker.Kill();
        broker.Restart();
        Assert.Equal(port, broker.Port);

        var result = await receiver.ReconnectAsync();
        Assert.True(result.IsSessionPresent);
        Assert.Equal(Expected("kill", 50), await ReceiveAsync(receiver, 50));
    }

    /// <summary>
    /// Characterises the risk in docs/broker.md: beyond max_queued_messages Mosquitto
    /// 2.0.11 drops QoS 1 messages for an offline client, while still acknowledging them to the publisher.
    /// </summary>
    [Fact]
    public async Task Messages_beyond_max_queued_messages_are_dropped()
    {
        const int limit = 10;
        var broker = _pki.StartBroker(_pki.Config(change: c => c.With(maxQueuedMessages: limit)));
        await using var receiver = await ReceiverSessionThenOfflineAsync(broker);
        await PublishAsync(broker, "flood", 100);

        Assert.True((await receiver.ReconnectAsync()).IsSessionPresent);
        var received = new List<string> { (await receiver.NextAsync()).Payload };
        // Flush: a fresh message published now arrives after everything the broker kept for the receiver.
        await PublishAsync(broker, "marker", 1);
        while (received[^1] != "marker-0") received.Add((await receiver.NextAsync()).Payload);
        received.RemoveAt(received.Count - 1);

        // Measured on 2.0.11: exactly max_queued_messages are kept for an offline client, the oldest ones.
        Assert.Equal(Expected("flood", limit), received);
    }
    /// <summary>
    /// Characterises Mosquitto 2.0.11 for docs/broker.md: a shared subscription keeps serving a member whose
    /// persistent session is offline, queuing its share until it returns (round robin ignores presence).
    /// </summary>
    [Fact]
    public async Task Shared_subscription_queues_a_share_for_an_offline_member()
    {
        var broker = _pki.StartBroker(_pki.Config(change: c => c.With(receiverIdentities: ["receiver", "receiver-2"])));
        using var secondIdentity = _pki.Store.IssueService(_pki.Ca, "receiver-2");
        using var secondCert = secondIdentity.WithPrivateKey();
        await using var online = await TestMqttClient.ConnectReceiverAsync(broker, _pki.Receiver, _pki.Trust);
        await online.SubscribeAsync("$share/receivers/nodes/+/telemetry");
        await using var offline = await TestMqttClient.ConnectReceiverAsync(broker, secondCert, _pki.Trust);
        await offline.SubscribeAsync("$share/receivers/nodes/+/telemetry");
        await offline.DisconnectAsync();

        await PublishAsync(broker, "shared", 8);
        Assert.True((await offline.ReconnectAsync()).IsSessionPresent);

        var got = new List<string>();
        var deadline = DateTime.UtcNow + TestMqttClient.WaitLimit;
        var fromOffline = 0;
        while (got.Count < 8 && DateTime.UtcNow < deadline)
        {
            got.AddRange(online.Drain().Select(m => m.Payload));
            var late = offline.Drain();
            fromOffline += late.Count;
            got.AddRange(late.Select(m => m.Payload));
            await Task.Delay(20);
        }
        Assert.Equal(Expected("shared", 8).Order(), got.Order());
        Assert.InRange(fromOffline, 1, 7);
    }
}
