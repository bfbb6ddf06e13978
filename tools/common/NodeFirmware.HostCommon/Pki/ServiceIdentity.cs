namespace NodeFirmware.HostCommon.Pki;

/// <summary>
/// Names of the fleet's own services that hold client certificates (e.g. "receiver"). They are the broker
/// username too, so they must never look like a device id nor contain MQTT wildcard or level characters.
/// </summary>
public static class ServiceIdentity
{
    public const string Receiver = "receiver";

    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name)
        && name.Length <= 32
        && !name.StartsWith(DeviceIdentity.Prefix, StringComparison.Ordinal)
        && name.AsSpan().IndexOfAnyExcept("abcdefghijklmnopqrstuvwxyz0123456789-") < 0;

    public static void Validate(string? name)
    {
        if (!IsValid(name))
            throw new ArgumentException(
                $"'{name}' is not a service identity: use 1-32 of [a-z0-9-], not starting with '{DeviceIdentity.Prefix}'",
                nameof(name));
    }
}
