namespace NodeFirmware.Receiver.Api;

/// <summary>Lengths and formats of the registry's fields; what a registration may contain.</summary>
public static class DeviceFields
{
    public const int MaxBoardLength = 64;
    public const int MaxSerialHexLength = 40; // RFC 5280: a certificate serial is at most 20 octets
    public const int MaxTags = 16;
    public const int MaxTagLength = 64;

    /// <summary>Null if the registration is acceptable, else what is wrong with it.</summary>
    public static string? Check(RegisterDeviceRequest r)
    {
        if (!Decoding.DeviceIds.IsValid(r.Id))
            return $"id '{Decoding.DeviceIds.Printable(r.Id ?? "")}' is not a valid device id (1..64 of A-Z a-z 0-9 . _ -)";
        if (r.CertSerial is { } serial && (serial.Length is 0 or > MaxSerialHexLength || !serial.All(Uri.IsHexDigit)))
            return $"certSerial must be 1..{MaxSerialHexLength} hexadecimal digits";
        if (r.Board is { } board && !IsName(board, MaxBoardLength))
            return $"board must be 1..{MaxBoardLength} of A-Z a-z 0-9 . _ -";
        var tags = r.Tags ?? [];
        if (tags.Count > MaxTags || tags.Any(t => !IsTag(t)))
            return $"tags: at most {MaxTags}, each 1..{MaxTagLength} of A-Z a-z 0-9 . _ - : =";
        return null;
    }

    public static bool IsName(string? s, int max) =>
        s is { Length: > 0 } && s.Length <= max && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    public static bool IsTag(string? s) =>
        s is { Length: > 0 and <= MaxTagLength } && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or ':' or '=');
}
