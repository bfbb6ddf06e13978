using NodeFirmware.Receiver.Ota;

namespace NodeFirmware.Receiver.Tests.Ota;

/// <summary>Keeps what the engine published, and the retained message per topic as a broker would.</summary>
public sealed class RecordingPublisher : ICampaignPublisher
{
    private readonly Lock _lock = new();

    public List<(string Topic, byte[] Payload, bool Retain)> Published { get; } = new();
    public Dictionary<string, byte[]> Retained { get; } = new();
    public bool Fail { get; set; }

    public Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken ct = default)
    {
        if (Fail) throw new InvalidOperationException("broker unreachable");
        lock (_lock)
        {
            Published.Add((topic, payload, retain));
            if (retain && payload.Length == 0) Retained.Remove(topic);
            else if (retain) Retained[topic] = payload;
        }
        return Task.CompletedTask;
    }

    public bool HasOffer(string device) => Retained.ContainsKey(OtaTopics.Offer(device));

    public List<byte[]> Chunks(string device) => Published.Where(p => p.Topic == OtaTopics.Chunk(device)).Select(p => p.Payload).ToList();
}
