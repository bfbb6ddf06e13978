using Microsoft.Extensions.Options;
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
        api.MapGet("/devices", ListDevices);
        api.MapGet("/devices/{id}", GetDevice);
        api.MapGet("/devices/{id}/telemetry", GetTelemetry);
        api.MapPost("/devices", RegisterDevice);
        api.MapPost("/devices/{id}/revoke", RevokeDevice);
        api.MapGet("/sli", GetSli);
        api.MapGet("/quarantine", ListQuarantine);
        app.MapGet("/metrics", GetMetrics);
    }

    private static async Task<IResult> ListDevices(ITelemetryStore store, CancellationToken ct) =>
        Results.Ok((await store.ListDevicesAsync(ct)).Select(d => DeviceView.From(d)));

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

    private static async Task<IResult> RegisterDevice(RegisterDeviceRequest request, ITelemetryStore store, TimeProvider clock, CancellationToken ct)
    {
        if (!DeviceIds.IsValid(request.Id))
            return Results.BadRequest(new ApiError($"id '{request.Id}' is not a valid device id (1..64 of A-Z a-z 0-9 . _ -)"));
        var tags = request.Tags ?? Array.Empty<string>();
        if (tags.Count > 32 || tags.Any(t => string.IsNullOrWhiteSpace(t) || t.Length > 64))
            return Results.BadRequest(new ApiError("tags: at most 32, each 1..64 characters"));
        if (request.CertSerial is { } serial && (serial.Length > 64 || !serial.All(Uri.IsHexDigit)))
            return Results.BadRequest(new ApiError($"certSerial '{serial}' must be hexadecimal"));
        var id = request.Id!;
        bool existed = await store.GetDeviceAsync(id, ct) is { IsRegistered: true };
        await store.RegisterDeviceAsync(new DeviceRegistration(id, request.CertSerial?.ToUpperInvariant(), tags, request.Board), clock.GetUtcNow(), ct);
        var view = DeviceView.From((await store.GetDeviceAsync(id, ct))!);
        return existed ? Results.Ok(view) : Results.Created($"/api/devices/{id}", view);
    }

    private static async Task<IResult> RevokeDevice(string id, ITelemetryStore store, ICrlPublisher crl, IBrokerControl broker,
        TimeProvider clock, ILoggerFactory logs, CancellationToken ct)
    {
        var device = await store.GetDeviceAsync(id, ct);
        if (device is null) return NotFound(id);
        await store.RevokeDeviceAsync(id, clock.GetUtcNow(), ct);
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
