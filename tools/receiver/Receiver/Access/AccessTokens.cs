namespace NodeFirmware.Receiver.Access;

/// <summary>Creates, checks and revokes API tokens; each change goes to the audit trail.</summary>
public sealed class AccessTokens(IAccessStore store, AuditTrail audit, TimeProvider clock)
{
    public const int MaxNameLength = 64;

    /// <summary>Throws ArgumentException naming what is wrong with the name or role; stores nothing then.</summary>
    public async Task<IssuedToken> CreateAsync(string name, string role, Caller by, CancellationToken ct = default)
    {
        if (!IsValidName(name)) throw new ArgumentException($"token name must be 1..{MaxNameLength} of A-Z a-z 0-9 . _ - @");
        if (!Roles.IsValid(role)) throw new ArgumentException($"role '{Printable(role)}' is not one of {string.Join(", ", Roles.All)}");
        string secret = TokenSecret.NewSecret();
        var token = new ApiToken(TokenSecret.NewId(), name, role, clock.GetUtcNow(), by.Actor, null);
        await store.AddTokenAsync(token, TokenSecret.Hash(secret), ct);
        await audit.RecordAsync(by, "token.create", "token:" + token.Id, $"name={name} role={role}", ct);
        return new IssuedToken(token, secret);
    }

    public async Task<ApiToken?> AuthenticateAsync(string? secret, CancellationToken ct = default) =>
        TokenSecret.LooksValid(secret) ? await store.FindActiveTokenAsync(TokenSecret.Hash(secret!), ct) : null;

    public Task<IReadOnlyList<ApiToken>> ListAsync(CancellationToken ct = default) => store.ListTokensAsync(ct);

    public async Task<bool> RevokeAsync(string id, Caller by, CancellationToken ct = default)
    {
        if (!await store.RevokeTokenAsync(id, clock.GetUtcNow(), ct)) return false;
        await audit.RecordAsync(by, "token.revoke", "token:" + id, "", ct);
        return true;
    }

    public async Task<bool> HasActiveAdminAsync(CancellationToken ct = default) =>
        (await store.ListTokensAsync(ct)).Any(t => t.IsActive && t.Role == Roles.Admin);

    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= MaxNameLength } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@');

    private static string Printable(string? s) => s is null ? "" : new string(s.Take(32).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
