using System.Diagnostics;
using System.Globalization;
using NodeFirmware.Receiver.Decoding;
using NodeFirmware.Receiver.Ota;
using NodeFirmware.Receiver.Ota.Gate;
using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Storage.Postgres;
using NodeFirmware.Receiver.Storage.Sqlite;
using NodeFirmware.Receiver.Vitals;

namespace NodeFirmware.Bench.Rollout;

/// <summary>
/// One health-gate judgement of a large cohort on one board (<see cref="GatedStages.JudgeAsync"/>), the vitals read two
/// ways from the same store: a query per device (as the gate read them before) and one windowed query for the board's
/// devices (<see cref="ITelemetryStore.QueryCohortVitalsAsync"/>). Both must give the same health; the figures are the
/// best of <c>--runs</c> wall times. <c>gate-judge [--devices N] [--hours H] [--runs R] [--stores sqlite,postgres]</c>.
/// </summary>
public static class GateJudgementBenchmark
{
    private const int OldSamplesPerDevice = 20_000; // the per-device read's limit before

    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        int devices = Option(args, "--devices", 10_000), hours = Option(args, "--hours", 12), runs = Option(args, "--runs", 3);
        string stores = args.SkipWhile(a => a != "--stores").Skip(1).FirstOrDefault() ?? "sqlite,postgres";
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var campaign = Cohort(devices, t0);
        var now = t0.AddHours(hours);
        string dir = Path.Combine(Path.GetTempPath(), "nf-bench-gate-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            if (stores.Contains("sqlite"))
            {
                await using var store = new SqliteTelemetryStore(Path.Combine(dir, "gate.db"), "NORMAL");
                await MeasureAsync("sqlite", store, campaign, t0, now, hours, runs);
            }
            if (stores.Contains("postgres"))
            {
                using var cluster = PostgresCluster.Start();
                await using var store = new PostgresTelemetryStore(await cluster.CreateDatabaseAsync("gate"));
                await MeasureAsync("postgres", store, campaign, t0, now, hours, runs);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
        return 0;
    }

    private static async Task MeasureAsync(string name, ITelemetryStore store, Campaign c, DateTimeOffset t0, DateTimeOffset now, int hours, int runs)
    {
        await store.MigrateAsync();
        int samples = await FillAsync(store, c, t0, hours);
        GatedStages.CohortSamples perDevice = async (windows, toMs, limit) =>
        {
            var all = new List<VitalsSample>();
            foreach (var w in windows) all.AddRange(await store.QueryVitalsAsync(w.DeviceId, w.FromMs, toMs, OldSamplesPerDevice));
            return all;
        };
        GatedStages.CohortSamples cohort = (windows, toMs, limit) => store.QueryCohortVitalsAsync(windows, toMs, limit);
        var (before, beforeMs, beforeReadMs) = await TimeAsync(c, perDevice, now, runs);
        var (after, afterMs, afterReadMs) = await TimeAsync(c, cohort, now, runs);
        var b = before.Boards.Single();
        var a = after.Boards.Single();
        if (before.Outcome != after.Outcome || !Same(b.Updated, a.Updated) || !Same(b.Baseline, a.Baseline))
            throw new InvalidOperationException($"{name}: the cohort query judged differently: {after.Reason} / {before.Reason}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT gate-judge store={name} devices={c.Devices.Count} updated={a.Updated.Devices} samples={samples} per_device_query_ms={beforeMs} cohort_query_ms={afterMs} speedup={(double)beforeMs / Math.Max(1, afterMs):F1} read_ms={beforeReadMs}/{afterReadMs} outcome={after.Outcome.ToString().ToLowerInvariant()}"));
    }

    /// <summary>Equal health, up to the rounding of sums taken in another device order.</summary>
    private static bool Same(CohortHealth x, CohortHealth y)
    {
        static bool Near(double? p, double? q) => p is null ? q is null : q is not null && Math.Abs(p.Value - q.Value) <= 1e-9 * Math.Max(1, Math.Abs(p.Value));
        return x.Devices == y.Devices && x.DrainDevices == y.DrainDevices && Near(x.CrashFreeRate, y.CrashFreeRate) && Near(x.ReconnectsPerDay, y.ReconnectsPerDay)
            && Near(x.WakeToPublishMs, y.WakeToPublishMs) && Near(x.DrainMillivoltsPerDay, y.DrainMillivoltsPerDay);
    }

    /// <summary>The judgement, and the best wall time of a judgement and of its reads alone (ms).</summary>
    private static async Task<(StageJudgement, long, long)> TimeAsync(Campaign c, GatedStages.CohortSamples samples, DateTimeOffset now, int runs)
    {
        StageJudgement? judgement = null;
        long best = long.MaxValue, bestRead = long.MaxValue;
        for (int i = 0; i < runs; i++)
        {
            var reading = new Stopwatch();
            GatedStages.CohortSamples timed = async (windows, toMs, limit) =>
            {
                reading.Start();
                try { return await samples(windows, toMs, limit); }
                finally { reading.Stop(); }
            };
            var watch = Stopwatch.StartNew();
            judgement = await GatedStages.JudgeAsync(c, c.Gate!, timed, now);
            best = Math.Min(best, watch.ElapsedMilliseconds);
            bestRead = Math.Min(bestRead, reading.ElapsedMilliseconds);
        }
        return (judgement!, best, bestRead);
    }

    /// <summary>The first stage (10 %) updated at <paramref name="t0"/>, the rest not offered yet, all on one board.</summary>
    private static Campaign Cohort(int devices, DateTimeOffset t0)
    {
        var c = new Campaign
        {
            Id = "bench", Name = "gate-judge", TargetVersion = "2.0.0", Cohort = new CohortFilter(), CanaryPercent = 10, SuccessThreshold = 0.9,
            Window = TimeSpan.FromDays(1), ChunkSize = 4096, CreatedAt = t0, Package = [],
            Gate = new GateState { Plan = new RolloutPlan([10, 100], TimeSpan.FromHours(12), 10, new HealthThresholds()), Boards = new(StringComparer.Ordinal) },
        };
        for (int i = 0; i < devices; i++)
        {
            string id = $"node-{i:D6}";
            bool updated = i % 10 == 0;
            c.Devices[id] = new CampaignDevice
            {
                DeviceId = id, Wave = updated ? 0 : 1, State = updated ? DeviceOtaState.Succeeded : DeviceOtaState.Waiting, FinishedAt = updated ? t0 : null,
            };
            c.Gate.Boards[id] = "firebeetle-esp32";
        }
        return c;
    }

    /// <summary>Every device's hourly status from <paramref name="t0"/> to <paramref name="hours"/> later, both included.</summary>
    private static async Task<int> FillAsync(ITelemetryStore store, Campaign c, DateTimeOffset t0, int hours)
    {
        int n = 0;
        for (int h = 0; h <= hours; h++)
        {
            var batch = new WriteBatch();
            foreach (var d in c.Devices.Values)
            {
                var vitals = new DeviceVitals(Boots: 1, UptimeSeconds: h * 3600L, Reconnects: h / 12, WakeToPublish: new WakeToPublish(1800 + d.DeviceId.Length, null, null, null, null, null));
                batch.Statuses.Add(new StatusUpdate(d.DeviceId, new DeviceStatus("sleeping", Firmware: d.State == DeviceOtaState.Succeeded ? "2.0.0" : "1.0.0",
                    BatteryMillivolts: 4100 - 40 * h / 24, Pending: 0, Vitals: vitals), t0.AddHours(h)));
                n++;
            }
            await store.WriteAsync(batch);
        }
        return n;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
