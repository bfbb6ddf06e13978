using NodeFirmware.Receiver.Decoding;
using NodeFirmware.Receiver.Ota.Gate;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Bench.Rollout;

/// <summary>How a firmware build behaves in the field: battery drain relative to the old build, and a crash every so often.</summary>
public sealed record FleetBuild(string Name, double DrainFactor = 1.0, TimeSpan? CrashEvery = null);

/// <summary>Where a scenario's rollout ended: stage is 1-based; signal names the breach.</summary>
public sealed record RolloutResult(string Build, RolloutStatus Outcome, int Stage, string? Signal, string Detail, TimeSpan Elapsed, int Updated);

/// <summary>
/// A virtual fleet on one board taking a staged, health-gated rollout in virtual time. Every device sends a status with
/// its vitals each hour (battery voltage falling by its drain, running crash and reconnect counters, wake-to-publish),
/// written to the receiver's telemetry store as the ingest writes them; the gate reads them back from the store. An
/// offered device installs after <see cref="InstallTime"/> and from then on behaves as the new build.
/// </summary>
public sealed class RolloutScenario
{
    public int Devices { get; init; } = 400;
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

    /// <summary>Runs <paramref name="build"/> over a fleet whose statuses go into <paramref name="store"/> (migrated, empty).</summary>
    public async Task<RolloutResult> RunAsync(FleetBuild build, ITelemetryStore store, CancellationToken ct = default)
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var clock = new VirtualClock(start);
        var ids = Enumerable.Range(0, Devices).Select(i => $"node-{i:D4}").ToList();
        var fleet = ids.Select(id => new Node(id, Spread(id))).ToList();
        var byId = fleet.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var rollout = new StagedRollout(Plan, ids, clock);
        var installing = new List<(string Id, DateTimeOffset At)>();
        var nextReport = start;

        while (rollout.Status == RolloutStatus.Running && clock.GetUtcNow() - start < GiveUpAfter)
        {
            var now = clock.GetUtcNow();
            foreach (var id in rollout.OffersDue()) installing.Add((id, now + InstallTime));
            foreach (var done in installing.Where(i => i.At <= now).ToList())
            {
                installing.Remove(done);
                byId[done.Id].UpdatedAt = now;
                rollout.MarkUpdated(done.Id);
            }
            while (nextReport <= now)
            {
                var batch = new WriteBatch();
                foreach (var node in fleet) batch.Statuses.Add(node.Report(nextReport, start, build, this));
                await store.WriteAsync(batch, ct);
                nextReport += TimeSpan.FromHours(1);
            }
            // The store's window is [from, to): one past now takes the report made at this instant.
            await rollout.EvaluateAsync((id, from, to) => store.QueryVitalsAsync(id, from, to + 1, 100_000, ct));
            clock.Advance(Step);
        }
        var v = rollout.LastVerdict;
        return new RolloutResult(build.Name, rollout.Status, rollout.Stage + 1, rollout.Status == RolloutStatus.Halted ? v?.Signal : null,
            v?.Detail ?? "no verdict", clock.GetUtcNow() - start, rollout.Updated);
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
            return new StatusUpdate(Id, new DeviceStatus("sleeping", Firmware: updated ? build.Name : "old",
                BatteryMillivolts: (int)Math.Round(_millivolts), Vitals: vitals), at);
        }
    }
}
