namespace NodeFirmware.Receiver.Access;

/// <summary>An API token as stored: never the secret, only its hash.</summary>
public sealed record ApiToken(string Id, string Name, string Role, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt)
{
    public bool IsActive => RevokedAt is null;
}

/// <summary>A token just created: the secret is shown this once and kept nowhere.</summary>
public sealed record IssuedToken(ApiToken Token, string Secret);
