namespace NodeFirmware.Receiver.Decoding;

/// <summary>
/// What a device id may look like: 1..64 of [A-Za-z0-9._-]. Ids are certificate CNs and MQTT topic levels, so
/// '/', '+', '#' and control characters are never valid.
/// </summary>
public static class DeviceIds
{
    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > TelemetryLimits.MaxDeviceIdLength) return false;
        foreach (char c in id)
        {
            bool ok = c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '_' or '.';
            if (!ok) return false;
        }
        return true;
    }

    public static void Require(string id, string what)
    {
        if (!IsValid(id))
            throw new PayloadRejected(RejectReason.InvalidDeviceId, $"{what} '{Printable(id)}' is not a valid device id (1..64 of A-Z a-z 0-9 . _ -)");
    }

    /// <summary>A bounded, control-free rendering of untrusted text for error messages.</summary>
    public static string Printable(string text)
    {
        var chars = text.Length > 64 ? text[..64] + "…" : text;
        return new string(chars.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }
}
