namespace NodeFirmware.Receiver.Access;

/// <summary>Who made a request (or ran a command): what the audit trail records as the actor.</summary>
public sealed record Caller(string Actor, string Role, string? TokenId)
{
    public static Caller ForToken(ApiToken t) => new($"token:{t.Id} ({t.Name})", t.Role, t.Id);

    public static Caller CommandLine() => new("cli:" + Environment.UserName, Roles.Admin, null);

    public static readonly Caller Receiver = new("receiver", Roles.Admin, null);
}
