using MQTTnet;
using MQTTnet.Protocol;
using NodeFirmware.Core.Telemetry;

namespace NodeFirmware.Receiver.Ingest;

/// <summary>The receiver's acknowledgement of one committed telemetry batch, for the device that sent it.</summary>
public sealed record TelemetryAckMessage(string Topic, byte[] Payload)
{
    /// <summary>Null when the batch's numbers cannot be acknowledged (docs/formats/README.md, "Telemetry acknowledgement").</summary>
    public static TelemetryAckMessage? For(string deviceId, long epoch, long firstSequence, int count)
    {
        if (epoch is < 0 or > uint.MaxValue || firstSequence is < 0 or > uint.MaxValue || count is < 1 or > 512) return null;
        return new($"nodes/{deviceId}/telemetry/ack", TelemetryAck.Encode((uint)epoch, (uint)firstSequence, count));
    }
}

/// <summary>
/// Publishes acknowledgements of committed batches on the ingest's MQTT connection (QoS 1, so the broker queues them
/// in a sleeping device's session). It waits for no answer before the telemetry message is PUBACKed: an ack lost on
/// the way (connection gone, broker killed) only makes the device send the batch again, which the store drops as a
/// duplicate and acknowledges anew. At most <see cref="MaxInFlight"/> publishes are open at once; beyond that the ack
/// stage waits, which holds the pipeline back like any full queue.
/// </summary>
public sealed class TelemetryAckSender(Metrics.ReceiverMetrics metrics, ILogger<TelemetryAckSender> log)
{
    public const int MaxInFlight = 4096;

    private readonly SemaphoreSlim _slots = new(MaxInFlight, MaxInFlight);
    private volatile IMqttClient? _client;

    public void Attach(IMqttClient client) => _client = client;

    public void Detach() => _client = null;

    /// <summary>Starts the publish and returns once it is under way (or skipped without a connection).</summary>
    public async Task SendAsync(TelemetryAckMessage ack, CancellationToken ct)
    {
        var client = _client;
        if (client is not { IsConnected: true })
        {
            metrics.TelemetryAck(sent: false);
            return;
        }
        await _slots.WaitAsync(ct);
        var message = new MqttApplicationMessageBuilder().WithTopic(ack.Topic).WithPayload(ack.Payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        _ = PublishAsync(client, message);
    }

    private async Task PublishAsync(IMqttClient client, MqttApplicationMessage message)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var result = await client.PublishAsync(message, timeout.Token);
            metrics.TelemetryAck(result.IsSuccess);
            if (!result.IsSuccess)
            {
                log.LogWarning("the broker refused the acknowledgement on {Topic}: {Code} (check the receiver's ACL)", message.Topic, result.ReasonCode);
            }
        }
        catch (Exception e)
        {
            metrics.TelemetryAck(sent: false);
            log.LogDebug(e, "publishing the acknowledgement on {Topic} failed; the device sends the batch again", message.Topic);
        }
        finally
        {
            _slots.Release();
        }
    }
}
