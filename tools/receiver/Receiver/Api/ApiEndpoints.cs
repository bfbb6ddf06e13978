using Microsoft.Extensions.Options;
using NodeFirmware.Receiver.Access;
using NodeFirmware.Receiver.Decoding;
using NodeFirmware.Receiver.Hosting;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Receiver.Metrics;
using NodeFirmware.Receiver.Revocation;
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
        var page = (await store.ListDevicesPageAsync(after, n + 1, ct)).ToList();
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

    private static async Task<IResult> RegisterDevice(RegisterDeviceRequest request, HttpContext http, ITelemetryStore store, IFleetRevocations revocations,
        AuditTrail audit, TimeProvider clock, CancellationToken ct)
    {
        if (DeviceFields.Check(request) is { } problem) return Results.BadRequest(new ApiError(problem));
        var id = request.Id!;
        var serial = request.CertSerial?.ToUpperInvariant();
        var caller = http.Caller();
        if (serial is not null && revocations.Current().IsRevoked(serial))
            return Results.Json(new ApiError($"certificate serial {serial} of device '{id}' is revoked (the fleet's CRL lists it), so it cannot be registered: " +
                "re-provision the device, which issues a new certificate"), statusCode: StatusCodes.Status409Conflict);
        var before = await store.GetDeviceAsync(id, ct);
        bool existed = before is { IsRegistered: true };
        bool liftsRevocation = before is { IsRevoked: true } && serial != before.CertSerial;
        bool changesSerial = existed && before!.CertSerial is not null && serial != before.CertSerial;
        // A factory station may add devices and repeat a registration. A new serial for a known device lifts its
        // revocation or replaces the certificate a later revocation starts from, so it needs the admin - unless the
        // fleet CA's own records show that certificate was issued to this very device: that is a re-provisioning.
        bool reprovisioned = serial is not null && revocations.IsConfigured && revocations.IssuedTo(id, serial);
        if ((liftsRevocation || changesSerial) && !reprovisioned && !Roles.Allows(caller.Role, Permission.Administer))
            return Results.Json(new ApiError($"device '{id}' is {(before!.IsRevoked ? "revoked" : "registered")} with serial {before.CertSerial}; " +
                "registering it under another serial needs the admin role, or a certificate the fleet CA issued to this device (re-provisioning)"),
                statusCode: StatusCodes.Status403Forbidden);
        await store.RegisterDeviceAsync(new DeviceRegistration(id, serial, request.Tags ?? [], request.Board), clock.GetUtcNow(), ct);
        await audit.RecordAsync(caller, liftsRevocation ? "device.reregister-revoked" : existed ? "device.update" : "device.register", "device:" + id,
            $"serial={serial} board={request.Board} tags={string.Join(',', request.Tags ?? [])}" + (reprovisioned && (liftsRevocation || changesSerial) ? " issued-by-fleet-ca" : ""), ct);
        var view = DeviceView.From((await store.GetDeviceAsync(id, ct))!);
        return existed ? Results.Ok(view) : Results.Created($"/api/devices/{id}", view);
    }

    /// <summary>
    /// Revokes the device where the fleet keeps revocation, the PKI store: every certificate it was issued and the one
    /// registered here, a new CRL, then a broker reload. The registry shows it revoked because the list does.
    /// </summary>
    private static async Task<IResult> RevokeDevice(string id, HttpContext http, ITelemetryStore store, IFleetRevocations revocations, IBrokerControl broker,
        AuditTrail audit, ILoggerFactory logs, CancellationToken ct)
    {
        var device = await store.GetDeviceAsync(id, ct);
        if (device is null) return NotFound(id);
        if (!revocations.IsConfigured)
            return Results.Json(new ApiError($"this receiver has no PKI store (--pki), so it cannot put the certificates of '{id}' on the CRL, and the broker " +
                $"would keep admitting the device; nothing was changed. Start the receiver with --pki <store> and the CA passphrase, or revoke on the CA host: " +
                $"nodectl ca revoke {id} --dir <store>"), statusCode: StatusCodes.Status409Conflict);
        if (device.CertSerial is null && !revocations.HasCertificates(id))
            return Results.Json(new ApiError($"'{id}' has no certificate serial on record and the PKI store holds no certificate of it: nothing to revoke"),
                statusCode: StatusCodes.Status409Conflict);
        var log = logs.CreateLogger("Receiver.Revocation");
        DeviceRevocation revocation;
        try
        {
            revocation = await revocations.RevokeDeviceAsync(id, device.CertSerial, ct);
        }
        catch (Exception e) when (e is PkiException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            log.LogError("revoking {Device} failed: {Error}", id, e.Message);
            return Results.Json(new ApiError($"the device was not revoked: {e.Message}"), statusCode: 500);
        }
        var serials = revocation.Certificates.Select(c => c.SerialHex).ToList();
        await audit.RecordAsync(http.Caller(), "device.revoke", "device:" + id, $"serials={string.Join(',', serials)} crl={revocation.CrlNumber}", ct);
        try
        {
            bool reloaded = await broker.ReloadAsync(ct);
            return Results.Ok(new RevokeResponse(id, true, true, reloaded, serials, reloaded ? null : "no broker control is configured: reload the broker to apply the CRL"));
        }
        catch (Exception e)
        {
            log.LogError("reloading the broker after revoking {Device} failed: {Error}", id, e.Message);
            return Results.Json(new RevokeResponse(id, true, true, false, serials, "the CRL is written, but the broker could not be reloaded: " + e.Message), statusCode: 500);
        }
    }

    private static async Task<IResult> GetSli(int? periods, ITelemetryStore store, TimeProvider clock, IOptions<ReceiverOptions> options, CancellationToken ct)
    {
        int n = periods ?? options.Value.ConnectivityPeriods;
        if (n < 1 || n > 10_000) return Results.BadRequest(new ApiError("periods must be 1..10000"));
        var report = SliCalculator.Compute(await store.ListDevicesAsync(ct), await store.GetCountsAsync(ct), clock.GetUtcNow(),
            options.Value.ReportPeriodSeconds, n, options.Value.SliTargets);
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
