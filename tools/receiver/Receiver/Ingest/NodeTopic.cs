using NodeFirmware.Receiver.Decoding;

namespace NodeFirmware.Receiver.Ingest;

public enum NodeTopicKind { Telemetry, Status, Other }

/// <summary>A topic of the nodes/{id}/... tree (docs/formats/README.md), parsed.</summary>
public readonly record struct NodeTopic(NodeTopicKind Kind, string DeviceId)
{
    public const string Root = "nodes";

    public static string TelemetryOf(string deviceId) => $"{Root}/{deviceId}/telemetry";
    public static string StatusOf(string deviceId) => $"{Root}/{deviceId}/status";

    /// <summary>Parses nodes/{id}/telemetry and nodes/{id}/status; anything else is invalid-topic.</summary>
    public static NodeTopic Parse(string topic)
    {
        var parts = topic.Split('/');
        if (parts.Length != 3 || parts[0] != Root)
            throw new PayloadRejected(RejectReason.InvalidTopic, $"topic '{DeviceIds.Printable(topic)}' is not nodes/<id>/telemetry or nodes/<id>/status");
        DeviceIds.Require(parts[1], "the topic's device id");
        return parts[2] switch
        {
            "telemetry" => new NodeTopic(NodeTopicKind.Telemetry, parts[1]),
            "status" => new NodeTopic(NodeTopicKind.Status, parts[1]),
            _ => throw new PayloadRejected(RejectReason.InvalidTopic, $"topic '{DeviceIds.Printable(topic)}' is not one the receiver ingests"),
        };
    }
}
