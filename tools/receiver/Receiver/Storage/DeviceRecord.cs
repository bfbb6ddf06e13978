namespace NodeFirmware.Receiver.Storage;

/// <summary>A device as the receiver knows it: registration (from provisioning) and what it last reported.</summary>
/// <param name="RegisteredAt">Null for a device that sent data with a valid certificate but was never registered.</param>
/// <param name="LastReadingTime">Unix seconds of its newest stored reading.</param>
public sealed record DeviceRecord(
    string Id,
    string? CertSerial,
    IReadOnlyList<string> Tags,
    string? Board,
    string? Firmware,
    string? Slot,
    string? State,
    DateTimeOffset? RegisteredAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastSeen,
    int? BatteryMillivolts,
    long? LastReadingTime)
{
    public bool IsRegistered => RegisteredAt is not null;
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>What provisioning tells the receiver about a new device.</summary>
public sealed record DeviceRegistration(string Id, string? CertSerial, IReadOnlyList<string> Tags, string? Board);
