using NodeFirmware.Receiver.Metrics;

namespace NodeFirmware.Receiver.Access;

/// <summary>
/// Authentication, authorization and rate limits for /api and /metrics (runs after routing). A missing or invalid
/// bearer token is 401, a role without the route's permission 403, too many requests 429 — each with a JSON reason,
/// each logged, and the route never runs. The page's static files are public: they hold no data.
/// </summary>
public sealed class AccessMiddleware(RequestDelegate next, AccessTokens tokens, RequestRateLimiter limiter, ReceiverMetrics metrics,
    ILogger<AccessMiddleware> log)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        bool guarded = path.StartsWithSegments("/api") || path.StartsWithSegments("/metrics");
        if (!guarded)
        {
            await next(context);
            return;
        }

        var token = await tokens.AuthenticateAsync(BearerSecret(context.Request), context.RequestAborted);
        if (token is null)
        {
            string address = "addr:" + context.Connection.RemoteIpAddress;
            if (!limiter.TryAcquire(address))
            {
                await RefuseAsync(context, StatusCodes.Status429TooManyRequests, "too many unauthenticated requests from this address; slow down");
                return;
            }
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"receiver\"";
            bool sent = context.Request.Headers.Authorization.Count > 0;
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, sent
                ? "the bearer token is unknown, revoked or malformed"
                : "authentication required: send 'Authorization: Bearer <token>' (tokens come from 'Receiver token create')");
            return;
        }

        var caller = Caller.ForToken(token);
        if (!limiter.TryAcquire("token:" + token.Id))
        {
            context.Response.Headers.RetryAfter = "1";
            await RefuseAsync(context, StatusCodes.Status429TooManyRequests, $"token {token.Id} is over its request rate limit; retry later");
            return;
        }

        var endpoint = context.GetEndpoint();
        if (endpoint is not null)
        {
            var permission = endpoint.Metadata.GetMetadata<AccessRule>()?.Permission ?? Permission.Administer;
            if (!Roles.Allows(token.Role, permission))
            {
                await RefuseAsync(context, StatusCodes.Status403Forbidden,
                    $"role '{token.Role}' may not {context.Request.Method} {path}: it needs {string.Join(" or ", Roles.Holding(permission))}");
                return;
            }
        }
        context.Items[typeof(Caller)] = caller;
        context.Response.Headers.CacheControl = "no-store";
        await next(context);
    }

    private Task RefuseAsync(HttpContext context, int status, string error)
    {
        metrics.HttpRefused(status);
        return Refusal.WriteAsync(context, status, error, log);
    }

    private static string? BearerSecret(HttpRequest request)
    {
        string? header = request.Headers.Authorization;
        if (header is null || header.Length > TokenSecret.MaxLength + 16) return null;
        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
    }
}
