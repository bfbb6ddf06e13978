using NodeFirmware.Receiver.Access;
using NodeFirmware.Receiver.Api;
using NodeFirmware.Receiver.Decoding;

namespace NodeFirmware.Receiver.Commands;

/// <summary>Commands (send, list, one) and the desired configuration of a device.</summary>
public static class CommandEndpoints
{
    public sealed record CommandBody(string? Op, int? TtlSeconds);

    public sealed record ConfigBody(string? Cbor);

    public const int MaxConfigBytes = 1024; // what the firmware accepts (ConfigCodec)

    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapPost("/devices/{id}/commands", Send).Allow(Permission.Operate);
        api.MapGet("/devices/{id}/commands", List).Allow(Permission.Read);
        api.MapGet("/commands/{commandId}", async (string commandId, ICommandStore store, CancellationToken ct) =>
            await store.GetAsync(commandId, ct) is { } c ? Results.Ok(c) : Results.NotFound(new ApiError($"no command '{DeviceIds.Printable(commandId)}'")))
            .Allow(Permission.Read);
        api.MapPut("/devices/{id}/config", PutConfig).Allow(Permission.Operate);
    }

    private static async Task<IResult> Send(string id, CommandBody body, HttpContext http, CommandService commands, CancellationToken ct)
    {
        if (!DeviceIds.IsValid(id)) return Results.BadRequest(new ApiError($"'{DeviceIds.Printable(id)}' is not a valid device id"));
        try
        {
            var c = await commands.SubmitAsync(id, body.Op, body.TtlSeconds, http.Caller(), ct);
            return Results.Created($"/api/commands/{c.Id}", c);
        }
        catch (CommandRefused e)
        {
            return Results.Json(new ApiError(e.Message), statusCode: e.Status);
        }
    }

    private static async Task<IResult> List(string id, int? limit, ICommandStore store, CancellationToken ct)
    {
        int n = limit ?? 100;
        if (n is < 1 or > ApiLimits.MaxPage) return Results.BadRequest(new ApiError($"limit must be 1..{ApiLimits.MaxPage}"));
        return Results.Ok(await store.ListForDeviceAsync(id, n, ct));
    }

    /// <summary>Publishes a device's desired configuration (CBOR, base64), retained, after checking it the way the firmware will.</summary>
    private static async Task<IResult> PutConfig(string id, ConfigBody body, HttpContext http, Storage.ITelemetryStore telemetry, DeviceLink link,
        AuditTrail audit, CancellationToken ct)
    {
        if (await telemetry.GetDeviceAsync(id, ct) is not { IsRegistered: true, IsRevoked: false })
            return Results.NotFound(new ApiError($"no registered, unrevoked device '{DeviceIds.Printable(id)}'"));
        byte[] cbor;
        try
        {
            cbor = Convert.FromBase64String(body.Cbor ?? "");
        }
        catch (FormatException)
        {
            return Results.BadRequest(new ApiError("cbor must be base64"));
        }
        if (cbor.Length is 0 or > MaxConfigBytes) return Results.BadRequest(new ApiError($"the configuration must be 1..{MaxConfigBytes} bytes of CBOR"));
        if (NodeFirmware.Core.Config.ConfigCodec.Apply(new NodeFirmware.Core.Config.DeviceConfig(), cbor, out var reason) is null)
            return Results.BadRequest(new ApiError("the device would refuse this configuration: " + reason));
        var result = await link.PublishAsync($"nodes/{id}/config", cbor, retain: true, ct);
        if (result is null) return Results.Json(new ApiError("the receiver is not connected to the broker: nothing was published"), statusCode: 503);
        if (!result.IsSuccess) return Results.Json(new ApiError($"the broker refused the configuration: {result.ReasonCode}"), statusCode: 502);
        await audit.RecordAsync(http.Caller(), "device.config", "device:" + id, $"{cbor.Length} bytes {Convert.ToHexStringLower(cbor.AsSpan(0, Math.Min(cbor.Length, 64)))}", ct);
        return Results.Accepted(value: new { deviceId = id, published = true, bytes = cbor.Length });
    }
}
