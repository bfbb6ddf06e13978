namespace NodeFirmware.HostCommon.Pki;

/// <summary>
/// Device ids as fixed by docs/formats/README.md: "esp32-" + the chip's base MAC as 12 lower-case hex digits.
/// The id is the certificate's CN and, through use_identity_as_username, the broker's %u in topic ACLs.
/// </summary>
public static class DeviceIdentity
{
    public const string Prefix = "esp32-";
    public const int MacLength = 6;

    public static string FromMac(ReadOnlySpan<byte> mac)
    {
        if (mac.Length != MacLength)
            throw new ArgumentException($"a base MAC has {MacLength} bytes, got {mac.Length}", nameof(mac));
        return Prefix + Convert.ToHexStringLower(mac);
    }

    /// <summary>Parses "24:0a:c4:12:34:56", "24-0A-C4-12-34-56" or "240ac4123456".</summary>
    public static string FromMacText(string mac)
    {
        ArgumentNullException.ThrowIfNull(mac);
        var hex = mac.Replace(":", "").Replace("-", "");
        if (hex.Length != MacLength * 2 || !hex.All(Uri.IsHexDigit))
            throw new ArgumentException($"'{mac}' is not a 6-byte MAC address", nameof(mac));
        return FromMac(Convert.FromHexString(hex));
    }

    public static bool IsValid(string? deviceId) =>
        deviceId is not null
        && deviceId.Length == Prefix.Length + MacLength * 2
        && deviceId.StartsWith(Prefix, StringComparison.Ordinal)
        && deviceId.AsSpan(Prefix.Length).IndexOfAnyExcept("0123456789abcdef") < 0;

    public static void Validate(string? deviceId)
    {
        if (!IsValid(deviceId))
            throw new ArgumentException(
                $"'{deviceId}' is not a device id: expected {Prefix} followed by 12 lower-case hex digits of the MAC",
                nameof(deviceId));
    }

    public static byte[] ToMac(string deviceId)
    {
        Validate(deviceId);
        return Convert.FromHexString(deviceId.AsSpan(Prefix.Length));
    }
}
