namespace NodeFirmware.Receiver.Commands;

/// <summary>A command to one device and what became of it. <see cref="Ok"/> and <see cref="Detail"/> come from the device's ack or the reason it was dropped or expired.</summary>
public sealed record DeviceCommand(
    string Id, string DeviceId, string Op, string State, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset ExpiresAt,
    DateTimeOffset? DeliveredAt, DateTimeOffset? FinishedAt, bool? Ok, string? Detail);
