namespace NodeFirmware.Receiver.Ota;

/// <summary>How the engine reaches devices: publish at QoS 1, retained or not (an empty retained payload clears).</summary>
public interface ICampaignPublisher
{
    Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken ct = default);
}
