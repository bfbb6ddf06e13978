using NodeFirmware.Receiver.Access;
using NodeFirmware.Receiver.Api;
using NodeFirmware.Receiver.Decoding;
using NodeFirmware.Receiver.Ota;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Vitals;

/// <summary>The vitals API (docs/receiver.md, "Vitals"): read-only, for every role that may read (viewer and up).</summary>
public static class VitalsEndpoints
{
    public const int MaxSamples = 5000;
    public const int MaxFleetSamples = 200_000;
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(7);
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(92);
    public const int MaxHistoryEntries = 500;
    public const int DefaultHistoryEntries = 100;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/devices/{id}/vitals", GetDeviceVitals).Allow(Permission.Read);
        app.MapGet("/api/vitals/firmware", GetFirmwareVitals).Allow(Permission.Read);
        app.MapGet("/api/devices/{id}/history", GetDeviceHistory).Allow(Permission.Read);
    }

    /// <summary>
    /// The device's firmware runs, campaigns and boot/rollback events (<see cref="DeviceHistory"/>) over [from, to) (default
    /// the longest window, 92 days), each list newest first and at most <c>limit</c> long.
    /// </summary>
    private static async Task<IResult> GetDeviceHistory(string id, long? from, long? to, int? limit, ITelemetryStore store, CampaignEngine engine,
        TimeProvider clock, CancellationToken ct)
    {
        if (await store.GetDeviceAsync(id, ct) is null) return Results.NotFound(new ApiError($"no device '{DeviceIds.Printable(id)}'"));
        if (Window(from, to, clock, out long f, out long t, MaxWindow) is { } error)
            return Results.BadRequest(new ApiError(error));
        int n = limit ?? DefaultHistoryEntries;
        if (n is < 1 or > MaxHistoryEntries) return Results.BadRequest(new ApiError($"limit must be 1..{MaxHistoryEntries}"));
        var samples = await store.QueryVitalsAsync(id, f * 1000, t * 1000, MaxFleetSamples + 1, ct);
        if (samples.Count > MaxFleetSamples)
            return Results.BadRequest(new ApiError($"more than {MaxFleetSamples} status samples in the window: narrow it"));
        return Results.Ok(DeviceHistory.From(id, f, t, samples, await engine.ListAsync(ct), n));
    }

    /// <summary>One device's samples in [from, to) (Unix seconds; default the last 7 days), oldest first, with its drain and health.</summary>
    private static async Task<IResult> GetDeviceVitals(string id, long? from, long? to, int? limit, ITelemetryStore store, TimeProvider clock, CancellationToken ct)
    {
        if (await store.GetDeviceAsync(id, ct) is null) return Results.NotFound(new ApiError($"no device '{DeviceIds.Printable(id)}'"));
        if (Window(from, to, clock, out long f, out long t) is { } error) return Results.BadRequest(new ApiError(error));
        int n = limit ?? MaxSamples;
        if (n is < 1 or > MaxSamples) return Results.BadRequest(new ApiError($"limit must be 1..{MaxSamples}"));
        var samples = await store.QueryVitalsAsync(id, f * 1000, t * 1000, n, ct);
        return Results.Ok(new DeviceVitalsResponse(id, f, t, samples.Select(VitalsView.From).ToList(), CohortHealth.From(samples)));
    }

    /// <summary>The health signals per firmware version over [from, to), every device that reported vitals.</summary>
    private static async Task<IResult> GetFirmwareVitals(long? from, long? to, ITelemetryStore store, TimeProvider clock, CancellationToken ct)
    {
        if (Window(from, to, clock, out long f, out long t) is { } error) return Results.BadRequest(new ApiError(error));
        var samples = await store.QueryVitalsAsync(null, f * 1000, t * 1000, MaxFleetSamples + 1, ct);
        if (samples.Count > MaxFleetSamples)
            return Results.BadRequest(new ApiError($"more than {MaxFleetSamples} vitals samples in the window: narrow it"));
        var rows = samples.GroupBy(s => s.Firmware, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new FirmwareVitalsView(g.Key, CohortHealth.From(g))).ToList();
        return Results.Ok(new FirmwareVitalsResponse(f, t, rows));
    }

    private static string? Window(long? from, long? to, TimeProvider clock, out long f, out long t, TimeSpan? defaultWindow = null)
    {
        t = to ?? clock.GetUtcNow().ToUnixTimeSeconds() + 1;
        f = from ?? t - (long)(defaultWindow ?? DefaultWindow).TotalSeconds;
        if (f < 0 || t < 0) return "from and to are Unix seconds and cannot be negative";
        if (f >= t) return $"from ({f}) must be before to ({t})";
        if (t - f > MaxWindow.TotalSeconds) return $"the window is {(t - f) / 86400} days; at most {MaxWindow.TotalDays:0}";
        return null;
    }
}

public sealed record VitalsView(long At, string Firmware, string State, int? BatteryMv, long Boots, long Brownouts, long Watchdogs, long Panics,
    long? UptimeS, long? Reconnects, long? HeapLowBytes, WakeToPublish? WakeToPublish, long? Pending)
{
    public static VitalsView From(VitalsSample s) => new(s.ReceivedAtMs / 1000, s.Firmware, s.State, s.BatteryMillivolts, s.Boots, s.Brownouts,
        s.Watchdogs, s.Panics, s.UptimeSeconds, s.Reconnects, s.HeapLowWaterBytes, s.WakeToPublish, s.Pending);
}

public sealed record DeviceVitalsResponse(string DeviceId, long From, long To, IReadOnlyList<VitalsView> Samples, CohortHealth Health);

public sealed record FirmwareVitalsView(string Firmware, CohortHealth Health);

public sealed record FirmwareVitalsResponse(long From, long To, IReadOnlyList<FirmwareVitalsView> Firmware);
