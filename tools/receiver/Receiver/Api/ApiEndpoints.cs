using Microsoft.Extensions.Options;
using NodeFirmware.Receiver.Access;
using NodeFirmware.Receiver.Decoding;
using NodeFirmware.Receiver.Hosting;
using NodeFirmware.Receiver.Metrics;
using NodeFirmware.Receiver.Sli;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Api;

/// <summary>The HTTP API (docs/receiver.md) and /metrics.</summary>
public static class ApiEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/devices", ListDevices).Allow(Permission.Read);
        api.MapGet("/devices/{id}", GetDevice).Allow(Permission.Read);
        api.MapGet("/devices/{id}/telemetry", GetTelemetry).Allow(Permission.Read);
        api.MapPost("/devices", RegisterDevice).Allow(Permission.Register);
        api.MapPost("/devices/{id}/revoke", RevokeDevice).Allow(Permission.Administer);
        api.MapGet("/sli", GetSli).Allow(Permission.Read);
        api.MapGet("/quarantine", ListQuarantine).Allow(Permission.Operate);
        app.MapGet("/metrics", GetMetrics).Allow(Permission.Read);
    }

    /// <summary>Devices by id, a page at a time: ?limit= (1..1000, default 1000) and ?after=&lt;last id of the previous page&gt;.</summary>
    private static async Task<IResult> ListDevices(int? limit, string? after, HttpContext http, ITelemetryStore store, CancellationToken ct)
    {
        int n = limit ?? ApiLimits.MaxPage;
        if (n is < 1 or > ApiLimits.MaxPage) return Results.BadRequest(new ApiError($"limit must be 1..{ApiLimits.MaxPage}"));
        var page = (await store.ListDevicesAsync(ct))
            .Where(d => after is null || string.CompareOrdinal(d.Id, after) > 0).Take(n + 1).ToList();
        if (page.Count > n)
        {
            page.RemoveAt(n);
            http.Response.Headers["X-Next-After"] = page[^1].Id;
        }
        return Results.Ok(page.Select(d => DeviceView.From(d)));
    }

    private static async Task<IResult> GetDevice(string id, ITelemetryStore store, CancellationToken ct)
    {
        var device = await store.GetDeviceAsync(id, ct);
        return device is null ? NotFound(id) : Results.Ok(DeviceView.From(device, await store.CountReadingsAsync(id, ct)));
    }

    private static async Task<IResult> GetTelemetry(string id, long? from, long? to, int? bucket, ITelemetryStore store, TimeProvider clock, CancellationToken ct)
    {
        if (await store.GetDeviceAsync(id, ct) is null) return NotFound(id);
        var range = TelemetryRange.Parse(from, to, bucket, clock.GetUtcNow(), out var error);
        if (error is not null) return Results.BadRequest(new ApiError(error));
        var buckets = await store.QueryBucketsAsync(id, range.From, range.To, range.Bucket, ct);
        var series = buckets.GroupBy(b => (b.Channel, b.Unit))
            .Select(g => new TelemetrySeries(g.Key.Channel, g.Key.Unit, g.Select(b => new TelemetryPoint(b.Start, b.Count, b.Average, b.Min, b.Max)).ToList()))
            .ToList();
        return Results.Ok(new TelemetryResponse(id, range.From, range.To, range.Bucket, series));
    }

    private static async Task<IResult> RegisterDevice(RegisterDeviceRequest request, HttpContext http, ITelemetryStore store, AuditTrail audit,
        TimeProvider clock, CancellationToken ct)
    {
        if (DeviceFields.Check(request) is { } problem) return Results.BadRequest(new ApiError(problem));
        var id = request.Id!;
        var serial = request.CertSerial?.ToUpperInvariant();
        var caller = http.Caller();
        var before = await store.GetDeviceAsync(id, ct);
        bool existed = before is { IsRegistered: true };
        bool liftsRevocation = before is { IsRevoked: true } && serial != before.CertSerial;
        bool changesSerial = existed && before!.CertSerial is not null && serial != before.CertSerial;
        // A factory station may add devices and repeat a registration, but a new serial for a known device would
        // lift its revocation or make a later revocation miss the real certificate: that is the admin's call.
        if ((liftsRevocation || changesSerial) && !Roles.Allows(caller.Role, Permission.Administer))
            return Results.Json(new ApiError($"device '{id}' is {(before!.IsRevoked ? "revoked" : "registered")} with serial {before.CertSerial}; " +
                "registering it under another serial needs the admin role"), statusCode: StatusCodes.Status403Forbidden);
        await store.RegisterDeviceAsync(new DeviceRegistration(id, serial, request.Tags ?? [], request.Board), clock.GetUtcNow(), ct);
        await audit.RecordAsync(caller, liftsRevocation ? "device.reregister-revoked" : existed ? "device.update" : "device.register", "device:" + id,
            $"serial={serial} board={request.Board} tags={string.Join(',', request.Tags ?? [])}", ct);
        var view = DeviceView.From((await store.GetDeviceAsync(id, ct))!);
        return existed ? Results.Ok(view) : Results.Created($"/api/devices/{id}", view);
    }

    private static async Task<IResult> RevokeDevice(string id, HttpContext http, ITelemetryStore store, ICrlPublisher crl, IBrokerControl broker,
        AuditTrail audit, TimeProvider clock, ILoggerFactory logs, CancellationToken ct)
    {
        var device = await store.GetDeviceAsync(id, ct);
        if (device is null) return NotFound(id);
        await store.RevokeDeviceAsync(id, clock.GetUtcNow(), ct);
        await audit.RecordAsync(http.Caller(), "device.revoke", "device:" + id, $"serial={device.CertSerial}", ct);
        var log = logs.CreateLogger("Receiver.Revocation");
        if (device.CertSerial is null)
            return Results.Ok(new RevokeResponse(id, true, false, false, "the device has no certificate serial on record: the CRL was not changed"));
        bool crlUpdated;
        try
        {
            crlUpdated = await crl.RevokeAsync(device.CertSerial, "CN=" + id, ct);
        }
        catch (Exception e)
        {
            log.LogError(e, "adding {Serial} of {Device} to the CRL failed", device.CertSerial, id);
            return Results.Json(new RevokeResponse(id, true, false, false, "the CRL could not be updated: " + e.Message), statusCode: 500);
        }
        if (!crlUpdated)
            return Results.Ok(new RevokeResponse(id, true, false, false, "no PKI is configured (Receiver:PkiDirectory): the CRL was not changed"));
        try
        {
            bool reloaded = await broker.ReloadAsync(ct);
            return Results.Ok(new RevokeResponse(id, true, true, reloaded, reloaded ? null : "no broker control is configured: reload the broker to apply the CRL"));
        }
        catch (Exception e)
        {
            log.LogError(e, "reloading the broker after revoking {Device} failed", id);
            return Results.Json(new RevokeResponse(id, true, true, false, "the broker could not be reloaded: " + e.Message), statusCode: 500);
        }
    }

    private static async Task<IResult> GetSli(int? periods, ITelemetryStore store, TimeProvider clock, IOptions<ReceiverOptions> options, CancellationToken ct)
    {
        int n = periods ?? options.Value.ConnectivityPeriods;
        if (n < 1 || n > 10_000) return Results.BadRequest(new ApiError("periods must be 1..10000"));
        var report = SliCalculator.Compute(await store.ListDevicesAsync(ct), await store.GetCountsAsync(ct), clock.GetUtcNow(),
            options.Value.ReportPeriodSeconds, n);
        return Results.Ok(report);
    }

    private static async Task<IResult> ListQuarantine(int? limit, ITelemetryStore store, CancellationToken ct)
    {
        int n = Math.Clamp(limit ?? 100, 1, 1000);
        var entries = await store.ListQuarantineAsync(n, ct);
        return Results.Ok(entries.Select(q => new QuarantineView(q.Id, q.ReceivedAt, q.Topic, q.Reason, q.Message, Convert.ToBase64String(q.Payload))));
    }

    private static async Task<IResult> GetMetrics(ReceiverMetrics metrics, ITelemetryStore store, TimeProvider clock, CancellationToken ct) =>
        Results.Text(await MetricsExposition.RenderAsync(metrics, store, clock, ct), PrometheusTextWriter.ContentType);

    private static IResult NotFound(string id) => Results.NotFound(new ApiError($"no device '{DeviceIds.Printable(id)}'"));
}
