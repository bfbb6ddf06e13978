using NodeFirmware.Receiver.Api;

namespace NodeFirmware.Receiver.Access;

/// <summary>Writes a refusal as {"error": "..."} and logs it (method, path, address, status, why).</summary>
public static class Refusal
{
    public static async Task WriteAsync(HttpContext context, int status, string error, ILogger log)
    {
        log.LogWarning("refused {Method} {Path} from {Address}: {Status} {Error}",
            context.Request.Method, Clip(context.Request.Path.Value), context.Connection.RemoteIpAddress, status, error);
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new ApiError(error));
    }

    private static string Clip(string? s) => s is null ? "" : s.Length <= 200 ? s : s[..200] + "…";
}
