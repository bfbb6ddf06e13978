using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Api;

public sealed record DeviceView(
    string Id, string? CertSerial, IReadOnlyList<string> Tags, string? Board, string? Firmware, string? Slot, string? State,
    bool Registered, bool Revoked, DateTimeOffset? RegisteredAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastSeen,
    int? BatteryMillivolts, long? LastReadingTime, long? ReadingCount = null)
{
    public static DeviceView From(DeviceRecord d, long? readingCount = null) => new(
        d.Id, d.CertSerial, d.Tags, d.Board, d.Firmware, d.Slot, d.State, d.IsRegistered, d.IsRevoked, d.RegisteredAt, d.RevokedAt,
        d.LastSeen, d.BatteryMillivolts, d.LastReadingTime, readingCount);
}

public sealed record RegisterDeviceRequest(string? Id, string? CertSerial, IReadOnlyList<string>? Tags, string? Board);

public sealed record RevokeResponse(string Id, bool Revoked, bool CrlUpdated, bool BrokerReloaded, IReadOnlyList<string> Serials, string? Note);

public sealed record TelemetryPoint(long T, long N, double Avg, double Min, double Max);

public sealed record TelemetrySeries(string Channel, string Unit, IReadOnlyList<TelemetryPoint> Points);

public sealed record TelemetryResponse(string DeviceId, long From, long To, int Bucket, IReadOnlyList<TelemetrySeries> Series);

public sealed record QuarantineView(long Id, DateTimeOffset ReceivedAt, string Topic, string Reason, string Message, string PayloadBase64);

public sealed record ApiError(string Error);
