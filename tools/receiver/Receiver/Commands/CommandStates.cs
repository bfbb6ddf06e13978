namespace NodeFirmware.Receiver.Commands;

/// <summary>
/// A command's fate. queued: stored here, not yet handed to the broker. delivered: the broker accepted it for the
/// device (PUBACK). acknowledged: the device answered on cmd/ack (ok or not). expired: no acknowledgement within its
/// time to live — the device never took it, or the broker dropped it. dropped: the broker refused it, or the device
/// was revoked before it went out. Only queued and delivered can still change.
/// </summary>
public static class CommandStates
{
    public const string Queued = "queued";
    public const string Delivered = "delivered";
    public const string Acknowledged = "acknowledged";
    public const string Expired = "expired";
    public const string Dropped = "dropped";

    public static readonly string[] All = [Queued, Delivered, Acknowledged, Expired, Dropped];
}
