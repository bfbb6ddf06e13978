namespace NodeFirmware.Receiver.Ota;

/// <summary>The OTA topics under nodes/{id}/ota/ (docs/formats/firmware-package.md, "OTA topics").</summary>
public static class OtaTopics
{
    public const string RequestFilter = "nodes/+/ota/req";
    public const string ProgressFilter = "nodes/+/ota/progress";
    public const string ResultFilter = "nodes/+/ota/result";

    public static string Offer(string deviceId) => $"nodes/{deviceId}/ota/offer";
    public static string Chunk(string deviceId) => $"nodes/{deviceId}/ota/chunk";

    /// <summary>("abc", "req") for "nodes/abc/ota/req"; null for anything else.</summary>
    public static (string DeviceId, string Kind)? Parse(string topic)
    {
        var parts = topic.Split('/');
        if (parts.Length != 4 || parts[0] != "nodes" || parts[2] != "ota" || parts[1].Length == 0) return null;
        return (parts[1], parts[3]);
    }
}
