using NodeFirmware.Receiver.Access;
using NodeFirmware.Receiver.Api;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Ota;

/// <summary>The campaign API: create, list, one campaign with per-device progress, pause, resume, abort (docs/receiver.md, "Campaign API").</summary>
public static class CampaignEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/campaigns");
        api.MapPost("", Create).Allow(Permission.Operate);
        api.MapGet("", List).Allow(Permission.Read);
        api.MapGet("/{id}", Get).Allow(Permission.Read);
        api.MapPost("/{id}/pause", (string id, HttpContext http, CampaignEngine engine, AuditTrail audit, CancellationToken ct) =>
            Change(id, "campaign.pause", http, audit, engine.PauseAsync, ct)).Allow(Permission.Operate);
        api.MapPost("/{id}/resume", (string id, HttpContext http, CampaignEngine engine, AuditTrail audit, CancellationToken ct) =>
            Change(id, "campaign.resume", http, audit, engine.ResumeAsync, ct)).Allow(Permission.Operate);
        api.MapPost("/{id}/abort", (string id, HttpContext http, CampaignEngine engine, AuditTrail audit, CancellationToken ct) =>
            Change(id, "campaign.abort", http, audit, engine.AbortAsync, ct)).Allow(Permission.Operate);
    }

    private static async Task<IResult> Create(CreateCampaignBody body, HttpContext http, CampaignEngine engine, ITelemetryStore store, AuditTrail audit,
        CancellationToken ct)
    {
        if (CampaignBodyLimits.Check(body) is { } problem) return Results.BadRequest(new ApiError(problem));
        var fleet = (await store.ListDevicesAsync(ct)).Where(d => !d.IsRevoked).Select(d => new CohortDevice(d.Id, d.Board, d.Firmware, d.Tags));
        try
        {
            var c = await engine.CreateAsync(body.ToRequest(), fleet, ct);
            await audit.RecordAsync(http.Caller(), "campaign.create", "campaign:" + c.Id,
                $"version={c.TargetVersion} name={c.Name} downgrade={c.IsDowngrade} rollback={c.Rollback is not null} devices={c.Devices.Count}", ct);
            return Results.Created($"/api/campaigns/{c.Id}", CampaignView.From(c, withDevices: true));
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException)
        {
            return Results.BadRequest(new ApiError(e.Message));
        }
    }

    private static async Task<IResult> List(int? limit, CampaignEngine engine, CancellationToken ct)
    {
        int n = limit ?? ApiLimits.MaxPage;
        if (n is < 1 or > ApiLimits.MaxPage) return Results.BadRequest(new ApiError($"limit must be 1..{ApiLimits.MaxPage}"));
        return Results.Ok((await engine.ListAsync(ct)).Take(n).Select(c => CampaignView.From(c, withDevices: false)));
    }

    private static async Task<IResult> Get(string id, CampaignEngine engine, CancellationToken ct) =>
        await engine.GetAsync(id, ct) is { } c ? Results.Ok(CampaignView.From(c, withDevices: true)) : NotFound(id);

    private static async Task<IResult> Change(string id, string action, HttpContext http, AuditTrail audit,
        Func<string, CancellationToken, Task<Campaign>> change, CancellationToken ct)
    {
        try
        {
            var c = await change(id, ct);
            await audit.RecordAsync(http.Caller(), action, "campaign:" + c.Id, $"state={c.State}", ct);
            return Results.Ok(CampaignView.From(c, withDevices: true));
        }
        catch (KeyNotFoundException)
        {
            return NotFound(id);
        }
        catch (InvalidOperationException e)
        {
            return Results.Conflict(new ApiError(e.Message));
        }
    }

    private static IResult NotFound(string id) => Results.NotFound(new ApiError($"no campaign '{(id.Length > 64 ? id[..64] + "…" : id)}'"));
}
