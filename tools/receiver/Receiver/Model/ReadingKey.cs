namespace NodeFirmware.Receiver.Model;

/// <summary>The idempotency key of a reading: (device, boot epoch, sequence). Stored once.</summary>
public readonly record struct ReadingKey(string DeviceId, long Epoch, long Sequence)
{
    public override string ToString() => DeviceId + "/" + Epoch + "/" + Sequence;
}
