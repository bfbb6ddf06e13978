using NodeFirmware.Receiver.Api;

namespace NodeFirmware.Receiver.Access;

/// <summary>Who am I (any token), tokens and the audit trail (admin).</summary>
public static class AccessEndpoints
{
    public sealed record CreateTokenBody(string? Name, string? Role);

    public sealed record TokenView(string Id, string Name, string Role, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt)
    {
        public static TokenView From(ApiToken t) => new(t.Id, t.Name, t.Role, t.CreatedAt, t.CreatedBy, t.RevokedAt);
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/whoami", (HttpContext http) => Results.Ok(new { actor = http.Caller().Actor, role = http.Caller().Role }))
            .Allow(Permission.Authenticated);
        api.MapGet("/tokens", async (AccessTokens tokens, CancellationToken ct) =>
            Results.Ok((await tokens.ListAsync(ct)).Select(TokenView.From))).Allow(Permission.Administer);
        api.MapPost("/tokens", CreateToken).Allow(Permission.Administer);
        api.MapPost("/tokens/{id}/revoke", async (string id, HttpContext http, AccessTokens tokens, CancellationToken ct) =>
            await tokens.RevokeAsync(id, http.Caller(), ct)
                ? Results.Ok(new { id, revoked = true })
                : Results.NotFound(new ApiError($"no active token '{Decoding.DeviceIds.Printable(id)}'"))).Allow(Permission.Administer);
        api.MapGet("/audit", ListAudit).Allow(Permission.Administer);
    }

    private static async Task<IResult> CreateToken(CreateTokenBody body, HttpContext http, AccessTokens tokens, CancellationToken ct)
    {
        try
        {
            var issued = await tokens.CreateAsync(body.Name ?? "", body.Role ?? "", http.Caller(), ct);
            return Results.Created($"/api/tokens/{issued.Token.Id}", new { token = TokenView.From(issued.Token), secret = issued.Secret });
        }
        catch (ArgumentException e)
        {
            return Results.BadRequest(new ApiError(e.Message));
        }
    }

    /// <summary>Newest first, ?limit= (1..1000, default 100), ?before=&lt;id&gt; for older entries.</summary>
    private static async Task<IResult> ListAudit(int? limit, long? before, AuditTrail audit, CancellationToken ct)
    {
        int n = limit ?? 100;
        if (n is < 1 or > ApiLimits.MaxPage) return Results.BadRequest(new ApiError($"limit must be 1..{ApiLimits.MaxPage}"));
        return Results.Ok(await audit.ListAsync(before, n, ct));
    }
}
