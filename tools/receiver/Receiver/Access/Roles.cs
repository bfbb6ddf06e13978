namespace NodeFirmware.Receiver.Access;

/// <summary>What a request needs: each API route names exactly one permission.</summary>
public enum Permission
{
    /// <summary>Any valid token (e.g. "who am I").</summary>
    Authenticated,
    /// <summary>Read the fleet, telemetry, SLIs, campaigns, commands, metrics.</summary>
    Read,
    /// <summary>Steer devices: commands, configuration, OTA campaigns; read quarantined payloads.</summary>
    Operate,
    /// <summary>Register a device (factory provisioning); lifting a revocation still needs <see cref="Administer"/>.</summary>
    Register,
    /// <summary>Revoke devices, manage tokens, read the audit trail.</summary>
    Administer,
}

/// <summary>
/// The roles a token can have. viewer reads; operator reads and steers; provisioner only registers new devices
/// (what a factory station needs, and nothing else); admin may do everything.
/// </summary>
public static class Roles
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Provisioner = "provisioner";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Viewer, Operator, Provisioner, Admin];

    public static bool IsValid(string? role) => role is not null && All.Contains(role);

    public static bool Allows(string role, Permission permission) => permission switch
    {
        Permission.Authenticated => IsValid(role),
        Permission.Read => role is Viewer or Operator or Admin,
        Permission.Operate => role is Operator or Admin,
        Permission.Register => role is Provisioner or Admin,
        Permission.Administer => role is Admin,
        _ => false,
    };

    /// <summary>The roles that hold a permission, for refusal messages.</summary>
    public static IEnumerable<string> Holding(Permission permission) => All.Where(r => Allows(r, permission));
}
