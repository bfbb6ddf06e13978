namespace NodeFirmware.Receiver.Storage;

/// <summary>Receiver-side instants are stored as Unix milliseconds; reading times as Unix seconds, as on the wire.</summary>
internal static class UnixTime
{
    public static long? ToMs(DateTimeOffset? at) => at?.ToUnixTimeMilliseconds();

    public static DateTimeOffset? FromMs(object? value) =>
        value is null or DBNull ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value));
}
