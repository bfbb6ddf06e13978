using NodeFirmware.Receiver.Api;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Ota;

/// <summary>The campaign API: create, list, one campaign with per-device progress, resume, abort.</summary>
public static class CampaignEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/campaigns");
        api.MapPost("", Create);
        api.MapGet("", List);
        api.MapGet("/{id}", Get);
        api.MapPost("/{id}/resume", (string id, CampaignEngine engine, CancellationToken ct) => Change(id, engine.ResumeAsync, ct));
        api.MapPost("/{id}/abort", (string id, CampaignEngine engine, CancellationToken ct) => Change(id, engine.AbortAsync, ct));
    }

    private static async Task<IResult> Create(CreateCampaignBody body, CampaignEngine engine, ITelemetryStore store, CancellationToken ct)
    {
        var fleet = (await store.ListDevicesAsync(ct)).Where(d => !d.IsRevoked).Select(d => new CohortDevice(d.Id, d.Board, d.Firmware, d.Tags));
        try
        {
            var c = await engine.CreateAsync(body.ToRequest(), fleet, ct);
            return Results.Created($"/api/campaigns/{c.Id}", CampaignView.From(c, withDevices: true));
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException)
        {
            return Results.BadRequest(new ApiError(e.Message));
        }
    }

    private static async Task<IResult> List(CampaignEngine engine, CancellationToken ct) =>
        Results.Ok((await engine.ListAsync(ct)).Select(c => CampaignView.From(c, withDevices: false)));

    private static async Task<IResult> Get(string id, CampaignEngine engine, CancellationToken ct) =>
        await engine.GetAsync(id, ct) is { } c ? Results.Ok(CampaignView.From(c, withDevices: true)) : NotFound(id);

    private static async Task<IResult> Change(string id, Func<string, CancellationToken, Task<Campaign>> change, CancellationToken ct)
    {
        try
        {
            return Results.Ok(CampaignView.From(await change(id, ct), withDevices: true));
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
