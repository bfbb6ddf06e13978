using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Protocol;
using NodeSim.Network;
using NodeSim.Telemetry;

namespace NodeSim.Tests.Support;

/// <summary>
/// Subscribes to every node's telemetry with the receiver's identity and records each reading's
/// idempotency key (device, boot epoch, sequence), decoded with System.Formats.Cbor.
/// </summary>
public sealed class TelemetryCollector : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly ConcurrentDictionary<(string Device, uint Epoch, uint Seq), int> _keys = new();
    private int _messages;

    public static async Task<TelemetryCollector> StartAsync(BrokerEndpoint broker, X509Certificate2 identity)
    {
        var c = new TelemetryCollector();
        c._client.ApplicationMessageReceivedAsync += e =>
        {
            Interlocked.Increment(ref c._messages);
            foreach (var key in Keys(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray())) c._keys.AddOrUpdate(key, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        };
        var options = new MqttClientOptionsBuilder()
            .WithFleetBroker(broker, identity)
            .WithClientId("collector-" + Guid.NewGuid().ToString("N")[..8])
            .Build();
        await c._client.ConnectAsync(options);
        await c._client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("nodes/+/telemetry", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return c;
    }

    public int Messages => _messages;

    /// <summary>Distinct readings received from one device.</summary>
    public HashSet<(uint Epoch, uint Seq)> Received(string device) =>
        _keys.Keys.Where(k => k.Device == device).Select(k => (k.Epoch, k.Seq)).ToHashSet();

    /// <summary>Readings the broker delivered more than once (QoS 1 redelivery after a lost PUBACK).</summary>
    public int Redelivered => _keys.Values.Sum(n => n - 1);

    public static IEnumerable<(string, uint, uint)> Keys(string topic, byte[] batch) =>
        TelemetryBatchReader.Read(topic, batch).Select(r => (r.Device, r.Epoch, r.Sequence));

    /// <summary>Waits until nothing new has arrived for a moment (QoS 1 deliveries still in flight).</summary>
    public async Task SettleAsync()
    {
        int last = -1;
        while (last != _messages) { last = _messages; await Task.Delay(300); }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected) await _client.DisconnectAsync();
        _client.Dispose();
    }
}
