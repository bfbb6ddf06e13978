namespace NodeFirmware.HostCommon.Pki;

/// <summary>What a service identity may do at the broker (docs/broker.md, "ACL").</summary>
public enum ServiceRole
{
    /// <summary>Reads everything devices send, writes configuration, commands and OTA offers and chunks.</summary>
    Receiver,

    /// <summary>Reads telemetry and status only (dashboards, the demo's watcher).</summary>
    Observer,
}

public static class ServiceRoles
{
    public static string Name(ServiceRole role) => role switch
    {
        ServiceRole.Receiver => "receiver",
        ServiceRole.Observer => "observer",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    public static ServiceRole Parse(string text, string source) => text switch
    {
        "receiver" => ServiceRole.Receiver,
        "observer" => ServiceRole.Observer,
        _ => throw new PkiException($"{source}: '{text}' is not a service role (receiver or observer)"),
    };
}
