namespace NodeFirmware.Bench.Ota;

/// <summary>
/// The radio link of the update benchmark, in virtual time: a shared pipe of <see cref="BytesPerSecond"/> each way,
/// a fixed round trip added to every message, and a share of the cloud's chunk messages that never arrive.
/// Every MQTT message costs its PUBLISH framing and, at QoS 1, a 4-byte PUBACK the other way.
/// </summary>
public sealed class LinkModel(double bytesPerSecond, double roundTripMillis, double chunkLoss, int seed)
{
    private readonly Random _random = new(seed);
    private double _downFreeAt;
    private double _upFreeAt;

    public double BytesPerSecond { get; } = bytesPerSecond;
    public double RoundTripMillis { get; } = roundTripMillis;
    public double ChunkLoss { get; } = chunkLoss;

    /// <summary>Every byte that crossed the link, both directions, framing and acknowledgements included.</summary>
    public long BytesOnLink { get; private set; }

    public int ChunksLost { get; private set; }

    /// <summary>Fixed header (2..4 bytes), topic length and topic, packet identifier, payload; plus the PUBACK.</summary>
    public static int MessageBytes(string topic, int payload)
    {
        int remaining = 2 + System.Text.Encoding.UTF8.GetByteCount(topic) + 2 + payload + 1; // +1: MQTT 5 property length
        int lengthBytes = remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4;
        return 1 + lengthBytes + remaining + 4;
    }

    /// <summary>Device → cloud: when the message has arrived.</summary>
    public double Up(double sentAt, string topic, int payload) => Send(ref _upFreeAt, sentAt, MessageBytes(topic, payload));

    /// <summary>Cloud → device: when the message arrives, or null when it is lost (a chunk only).</summary>
    public double? Down(double sentAt, string topic, int payload, bool mayBeLost)
    {
        double arrives = Send(ref _downFreeAt, sentAt, MessageBytes(topic, payload));
        if (mayBeLost && _random.NextDouble() < ChunkLoss)
        {
            ChunksLost++;
            return null;
        }
        return arrives;
    }

    private double Send(ref double freeAt, double sentAt, int bytes)
    {
        BytesOnLink += bytes;
        double start = Math.Max(sentAt, freeAt);
        freeAt = start + bytes * 1000.0 / BytesPerSecond;
        return freeAt + RoundTripMillis / 2;
    }
}
