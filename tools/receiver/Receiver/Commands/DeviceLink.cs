using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Protocol;

namespace NodeFirmware.Receiver.Commands;

/// <summary>
/// Commands and configuration on the ingest's MQTT connection (the broker allows one session per receiver identity,
/// see CampaignMqttBridge): the ingest subscribes to cmd/ack too and hands those messages here; publishing borrows
/// its client. Inbound acks wait in a bounded queue: when it is full, the oldest is dropped (an ack is small, and a
/// device flooding acks must not cost memory).
/// </summary>
public sealed class DeviceLink
{
    public const string AckFilter = "nodes/+/cmd/ack";
    public const int MaxAckBytes = 512;

    private readonly Channel<(string Topic, byte[] Payload)> _acks =
        Channel.CreateBounded<(string, byte[])>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private volatile IMqttClient? _client;

    public static bool Accepts(string topic) => topic.StartsWith("nodes/", StringComparison.Ordinal) && topic.EndsWith("/cmd/ack", StringComparison.Ordinal);

    public bool IsConnected => _client is { IsConnected: true };

    /// <summary>Raised when the ingest (re)connected: queued commands can go out.</summary>
    public event Action? Connected;

    public void Attach(IMqttClient client)
    {
        _client = client;
        Connected?.Invoke();
    }

    public void Detach() => _client = null;

    public void Enqueue(string topic, byte[] payload)
    {
        if (payload.Length <= MaxAckBytes) _acks.Writer.TryWrite((topic, payload));
    }

    public ChannelReader<(string Topic, byte[] Payload)> Acks => _acks.Reader;

    /// <summary>QoS 1. Null when there is no broker connection; otherwise the broker's answer.</summary>
    public async Task<MqttClientPublishResult?> PublishAsync(string topic, byte[] payload, bool retain, CancellationToken ct)
    {
        var client = _client;
        if (client is not { IsConnected: true }) return null;
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(retain)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        return await client.PublishAsync(message, ct);
    }
}
