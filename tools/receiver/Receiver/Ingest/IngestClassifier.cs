using NodeFirmware.Receiver.Decoding;
using Microsoft.Extensions.Options;
using NodeFirmware.Receiver.Metrics;
using NodeFirmware.Receiver.Quarantine;
using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Validation;

namespace NodeFirmware.Receiver.Ingest;

/// <summary>
/// Turns one received message into what the store will write: readings, a status, or a quarantine entry with the
/// reason. Never throws for a bad payload — that is what quarantine is for. A quarantine entry keeps the payload
/// only up to a cap, and a device over its quarantine rate gets nothing kept at all (<see cref="Nothing"/>).
/// </summary>
public sealed class IngestClassifier(TelemetryValidator validator, ReceiverMetrics metrics, QuarantineLimiter? limiter = null,
    IOptions<QuarantineOptions>? quarantine = null)
{
    private readonly int _maxPayload = (quarantine?.Value ?? new QuarantineOptions()).MaxPayloadBytes;

    /// <summary>The action for a message that is acknowledged and not stored.</summary>
    public static readonly Action<WriteBatch> Nothing = _ => { };

    public Action<WriteBatch> Classify(string topic, ReadOnlyMemory<byte> payload, DateTimeOffset receivedAt) =>
        Classify(topic, payload, receivedAt, out _);

    /// <summary>
    /// As <see cref="Classify(string, ReadOnlyMemory{byte}, DateTimeOffset)"/>, with the acknowledgement the device gets
    /// once the result is committed: for telemetry that decodes and is the topic's device's (a version 2 batch always is,
    /// a version 1 batch when its "d" is the topic's id), whether it is stored or quarantined (a batch the validator
    /// refuses would be refused again; sending it forever helps nobody). Null otherwise. A status keeps the broker's
    /// <paramref name="delivery"/> flags, by which the store tells a copy of a stored status from a new one.
    /// </summary>
    public Action<WriteBatch> Classify(string topic, ReadOnlyMemory<byte> payload, DateTimeOffset receivedAt, out TelemetryAckMessage? ack,
        BrokerDelivery? delivery = null)
    {
        ack = null;
        NodeTopicKind kind = NodeTopicKind.Other;
        try
        {
            var parsed = NodeTopic.Parse(topic);
            kind = parsed.Kind;
            metrics.MessageReceived(KindLabel(kind));
            if (parsed.Kind == NodeTopicKind.Status)
            {
                var how = new StatusDelivery(StatusDelivery.HashOf(payload.Span), delivery?.Retained ?? false, delivery?.Redelivered ?? false,
                    delivery?.PacketId ?? 0);
                var status = new StatusUpdate(parsed.DeviceId, StatusDecoder.Decode(payload), receivedAt, how);
                return batch => batch.Statuses.Add(status);
            }
            var decoded = TelemetryBatchDecoder.Decode(payload, parsed.DeviceId);
            if (decoded.DeviceId == parsed.DeviceId)
                ack = TelemetryAckMessage.For(parsed.DeviceId, decoded.Epoch, decoded.FirstSequence, decoded.Readings.Count);
            var valid = validator.Validate(decoded, parsed.DeviceId, receivedAt);
            var telemetry = new ReceivedTelemetry(valid.DeviceId, valid.Records, valid.LastBatteryMillivolts, receivedAt);
            return batch => batch.Telemetry.Add(telemetry);
        }
        catch (PayloadRejected rejected)
        {
            if (kind == NodeTopicKind.Other) metrics.MessageReceived(KindLabel(kind));
            metrics.Quarantined(rejected.Code);
            if (limiter is not null && !limiter.TryAdmit(DeviceKey(topic)))
            {
                metrics.QuarantineDropped("rate");
                return Nothing;
            }
            if (payload.Length > _maxPayload) metrics.QuarantinePayloadCut(payload.Length - _maxPayload);
            var entry = new QuarantineEntry(0, receivedAt, topic.Length <= 256 ? topic : topic[..256], rejected.Code,
                QuarantinePayload.Describe(rejected.Detail, payload.Length, _maxPayload), QuarantinePayload.Cap(payload.Span, _maxPayload));
            return batch => batch.Quarantine.Add(entry);
        }
    }

    /// <summary>The second topic level (nodes/{id}/...): the broker's ACL lets a certificate publish only under its own id.</summary>
    private static string DeviceKey(string topic)
    {
        var parts = topic.Split('/', 3);
        return parts.Length >= 2 ? parts[1] : "";
    }

    private static string KindLabel(NodeTopicKind kind) => kind switch
    {
        NodeTopicKind.Telemetry => "telemetry",
        NodeTopicKind.Status => "status",
        _ => "other",
    };
}
