using NodeFirmware.Core.Ota;
using NodeFirmware.Receiver.Decoding;
using NodeFirmware.Receiver.Ota;
using NodeFirmware.Receiver.Ota.Gate;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Bench.Rollout;

/// <summary>How a firmware build behaves in the field: battery drain relative to the old build, and a crash every so often.</summary>
public sealed record FleetBuild(string Name, double DrainFactor = 1.0, TimeSpan? CrashEvery = null);

/// <summary>Where a scenario's campaign ended: its state, the stage it stood at (1-based), the breached signal and the last judgement.</summary>
public sealed record RolloutResult(string Build, CampaignState Outcome, int Stage, string? Signal, string Detail, TimeSpan Elapsed, int Updated, string CampaignId);

/// <summary>
/// A virtual fleet on one board taking a health-gated campaign of the receiver's real <see cref="CampaignEngine"/> in
/// virtual time. Every device sends a status with its vitals each hour (battery voltage falling by its drain, running crash
/// and reconnect counters, wake-to-publish), written to the receiver's telemetry store as the ingest writes them; the
/// engine reads them back from the store. A device the engine offered the package reports its result after
/// <see cref="InstallTime"/> and from then on behaves as the new build.
/// </summary>
public sealed class RolloutScenario
{
    public int Devices { get; init; } = 400;
    public string Board { get; init; } = "firebeetle-esp32";
    public double BaseDrainMillivoltsPerDay { get; init; } = 40;
    public double ReconnectsPerDay { get; init; } = 2;
    public int WakeToPublishMs { get; init; } = 1800;
    public TimeSpan InstallTime { get; init; } = TimeSpan.FromMinutes(20);
    public TimeSpan Step { get; init; } = TimeSpan.FromMinutes(10);
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromDays(30);
    public RolloutPlan Plan { get; init; } = new(RolloutPlan.DefaultStages, TimeSpan.FromHours(12), 2, new HealthThresholds());

    public static IReadOnlyList<FleetBuild> StandardBuilds { get; } =
    [
        new("good"),
        new("drain2x", DrainFactor: 2.0),
        new("reboot3h", CrashEvery: TimeSpan.FromHours(3)),
    ];

    /// <summary>
    /// Runs <paramref name="build"/> as a gated campaign of <paramref name="package"/> (signed by the key behind
    /// <paramref name="releaseKey"/>, for <see cref="Board"/>) over a fleet whose statuses go into <paramref name="telemetry"/>;
    /// the campaign lives in <paramref name="campaigns"/>. Both stores migrated and empty.
    /// </summary>
    public async Task<RolloutResult> RunAsync(FleetBuild build, ITelemetryStore telemetry, ICampaignStore campaigns, byte[] package, byte[] releaseKey,
        CancellationToken ct = default)
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var clock = new VirtualClock(start);
        var link = new FleetLink(clock);
        var engine = new CampaignEngine(campaigns, link, clock) { ReleasePublicKey = releaseKey, Telemetry = telemetry };
        string version = CampaignPackage.Parse(package).Version;
        var fleet = Enumerable.Range(0, Devices).Select(i => new Node($"node-{i:D4}", Spread($"node-{i:D4}"))).ToList();
        var byId = fleet.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var c = await engine.CreateAsync(new CampaignRequest
        {
            Name = build.Name, Package = package, Cohort = new CohortFilter(Board), Gate = Plan, Window = TimeSpan.FromDays(2),
        }, fleet.Select(n => new CohortDevice(n.Id, Board, "1.0.0", [])), ct);
        var nextReport = start;

        while (c.IsActive && clock.GetUtcNow() - start < GiveUpAfter)
        {
            var now = clock.GetUtcNow();
            foreach (var (id, at) in link.Offers.Where(o => o.Value + InstallTime <= now).ToList())
            {
                link.Offers.Remove(id);
                byId[id].UpdatedAt = now;
                byId[id].Version = version;
                await engine.HandleAsync($"nodes/{id}/ota/result", OtaMessages.EncodeResult(c.Id, true, version, ""), ct);
            }
            while (nextReport <= now)
            {
                var batch = new WriteBatch();
                foreach (var node in fleet) batch.Statuses.Add(node.Report(nextReport, start, build, this));
                await telemetry.WriteAsync(batch, ct);
                nextReport += TimeSpan.FromHours(1);
            }
            await engine.TickAsync(ct);
            c = (await engine.GetAsync(c.Id, ct))!;
            clock.Advance(Step);
        }
        var g = c.Gate!;
        var v = g.LastVerdict;
        return new RolloutResult(build.Name, c.State, g.Stage + 1, c.State == CampaignState.Halted ? v?.Signal : null,
            v?.Reason ?? c.StateReason ?? "no verdict", clock.GetUtcNow() - start, c.Devices.Values.Count(d => d.State == DeviceOtaState.Succeeded), c.Id);
    }

    /// <summary>The fleet's side of the broker: which device was offered the package, and when.</summary>
    private sealed class FleetLink(TimeProvider clock) : ICampaignPublisher
    {
        public Dictionary<string, DateTimeOffset> Offers { get; } = new(StringComparer.Ordinal);

        public Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken ct = default)
        {
            if (payload.Length > 0 && OtaTopics.Parse(topic) is { Kind: "offer" } t) Offers.TryAdd(t.DeviceId, clock.GetUtcNow());
            return Task.CompletedTask;
        }
    }

    /// <summary>A device's own deviation, ±10 %, fixed by its id (FNV-1a) so runs repeat.</summary>
    private static double Spread(string id)
    {
        uint h = 2166136261;
        foreach (char c in id) h = (h ^ c) * 16777619;
        return 0.9 + 0.2 * (h % 1000) / 1000.0;
    }

    private sealed class Node(string id, double spread)
    {
        public string Id { get; } = id;
        public DateTimeOffset? UpdatedAt { get; set; }
        public string Version { get; set; } = "1.0.0";
        private double _millivolts = 4100;
        private double _reconnects;
        private long _panics;
        private DateTimeOffset? _last;

        public StatusUpdate Report(DateTimeOffset at, DateTimeOffset start, FleetBuild build, RolloutScenario s)
        {
            bool updated = UpdatedAt is { } u && u <= at;
            double hours = _last is { } l ? (at - l).TotalHours : 0;
            _last = at;
            _millivolts -= s.BaseDrainMillivoltsPerDay * spread * (updated ? build.DrainFactor : 1) * hours / 24;
            _reconnects += s.ReconnectsPerDay * spread * hours / 24;
            if (updated && build.CrashEvery is { } every)
                _panics = (long)Math.Floor((at - UpdatedAt!.Value) / every);
            var vitals = new DeviceVitals(Boots: 1 + _panics, Panics: _panics, UptimeSeconds: (long)(at - start).TotalSeconds,
                Reconnects: (long)Math.Floor(_reconnects), WakeToPublish: new WakeToPublish((int)(s.WakeToPublishMs * spread), null, null, null, null, null));
            return new StatusUpdate(Id, new DeviceStatus("sleeping", Firmware: Version,
                BatteryMillivolts: (int)Math.Round(_millivolts), Vitals: vitals), at);
        }
    }
}
