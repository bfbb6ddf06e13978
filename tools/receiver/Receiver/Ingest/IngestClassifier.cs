using NodeFirmware.Receiver.Decoding;
using NodeFirmware.Receiver.Metrics;
using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Validation;

namespace NodeFirmware.Receiver.Ingest;

/// <summary>
/// Turns one received message into what the store will write: readings, a status, or a quarantine entry with the
/// reason. Never throws for a bad payload — that is what quarantine is for.
/// </summary>
public sealed class IngestClassifier(TelemetryValidator validator, ReceiverMetrics metrics)
{
    public Action<WriteBatch> Classify(string topic, ReadOnlyMemory<byte> payload, DateTimeOffset receivedAt)
    {
        NodeTopicKind kind = NodeTopicKind.Other;
        try
        {
            var parsed = NodeTopic.Parse(topic);
            kind = parsed.Kind;
            metrics.MessageReceived(KindLabel(kind));
            if (parsed.Kind == NodeTopicKind.Status)
            {
                var status = new StatusUpdate(parsed.DeviceId, StatusDecoder.Decode(payload), receivedAt);
                return batch => batch.Statuses.Add(status);
            }
            var valid = validator.Validate(TelemetryBatchDecoder.Decode(payload), parsed.DeviceId, receivedAt);
            var telemetry = new ReceivedTelemetry(valid.DeviceId, valid.Records, valid.LastBatteryMillivolts, receivedAt);
            return batch => batch.Telemetry.Add(telemetry);
        }
        catch (PayloadRejected rejected)
        {
            if (kind == NodeTopicKind.Other) metrics.MessageReceived(KindLabel(kind));
            metrics.Quarantined(rejected.Code);
            var entry = new QuarantineEntry(0, receivedAt, topic, rejected.Code, rejected.Detail, payload.ToArray());
            return batch => batch.Quarantine.Add(entry);
        }
    }

    private static string KindLabel(NodeTopicKind kind) => kind switch
    {
        NodeTopicKind.Telemetry => "telemetry",
        NodeTopicKind.Status => "status",
        _ => "other",
    };
}
