using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NodeSim.Network;

namespace NodeFirmware.HilTests.Support;

/// <summary>An MQTT client with a service identity that publishes cloud-to-device messages (QoS 1).</summary>
public sealed class ConfigPublisher(BrokerEndpoint broker, X509Certificate2 identity) : IAsyncDisposable
{
    private IMqttClient? _client;

    public async Task PublishAsync(string topic, byte[] payload, bool retain)
    {
        var client = await ConnectAsync();
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(retain)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        var result = await client.PublishAsync(message);
        if (!result.IsSuccess) throw new InvalidOperationException($"the broker did not accept {topic}: {result.ReasonCode}");
    }

    private async Task<IMqttClient> ConnectAsync()
    {
        if (_client is { IsConnected: true }) return _client;
        _client?.Dispose();
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithFleetBroker(broker, identity)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithClientId("hil-config-" + Guid.NewGuid().ToString("N")[..8])
            .WithCleanSession(true)
            .Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await client.ConnectAsync(options, timeout.Token);
        _client = client;
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is { IsConnected: true }) await _client.DisconnectAsync();
        _client?.Dispose();
    }
}
