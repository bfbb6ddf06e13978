using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using NodeFirmware.Receiver.Metrics;

namespace NodeFirmware.Receiver.Access;

/// <summary>
/// First in the pipeline: security headers on every answer (CSP with frame-ancestors 'none', nosniff, no referrer),
/// a Host allow-list against DNS rebinding, an Origin check for state-changing requests against CSRF, and the
/// request body limit (413 before the body is read when Content-Length says it is too big).
/// </summary>
public sealed class BrowserGuard(RequestDelegate next, AllowedHosts hosts, IOptions<ApiLimits> limits, ReceiverMetrics metrics, ILogger<BrowserGuard> log)
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public async Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";

        var request = context.Request;
        string host = request.Host.Host;
        if (!hosts.Contains(host))
        {
            await RefuseAsync(context, StatusCodes.Status421MisdirectedRequest,
                $"host '{Clip(host)}' is not served here (allowed: {string.Join(", ", hosts.Names)}; add it with --allowed-hosts)");
            return;
        }
        bool changes = !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method));
        if (changes)
        {
            string? origin = request.Headers.Origin;
            if (origin is not null && !(Uri.TryCreate(origin, UriKind.Absolute, out var o) && hosts.Contains(o.Host)))
            {
                await RefuseAsync(context, StatusCodes.Status403Forbidden, $"cross-origin request from '{Clip(origin)}' refused");
                return;
            }
            if (request.Headers["Sec-Fetch-Site"] == "cross-site")
            {
                await RefuseAsync(context, StatusCodes.Status403Forbidden, "cross-site request refused");
                return;
            }
        }

        long limit = HttpMethods.IsPost(request.Method) && request.Path.Equals("/api/campaigns", StringComparison.Ordinal)
            ? limits.Value.MaxCampaignBodyBytes : limits.Value.MaxBodyBytes;
        if (request.ContentLength > limit)
        {
            await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, $"request body of {request.ContentLength} bytes; at most {limit} bytes here");
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit;
        await next(context);
    }

    private Task RefuseAsync(HttpContext context, int status, string error)
    {
        metrics.HttpRefused(status);
        return Refusal.WriteAsync(context, status, error, log);
    }

    private static string Clip(string s) => new(s.Take(80).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
