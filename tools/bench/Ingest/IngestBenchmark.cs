using System.Diagnostics;
using System.Globalization;
using NodeFirmware.Receiver.Decoding;
using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Storage.Postgres;
using NodeFirmware.Receiver.Storage.Sqlite;
using NodeFirmware.Receiver.Validation;

namespace NodeFirmware.Bench.Ingest;

/// <summary>
/// Readings per second the receiver stores, in one run: decode and validation alone; the storage path alone
/// (decoded and validated firmware batches written through ITelemetryStore in commits of several messages) into
/// SQLite (synchronous FULL and NORMAL) and PostgreSQL; the broker alone (a subscriber that acknowledges and
/// discards); and the whole path through Mosquitto with mutual TLS into SQLite and into PostgreSQL, each with its
/// ratio to the broker alone, p50/p99 latency from publish to commit, and peak memory.
/// The devices publish telemetry batch version 2 (--batch-version 1: version 1); decode and validation are timed for both.
/// Usage: bench ingest [--readings N] [--per-message K] [--messages-per-commit M] [--devices D] [--batch-version 1|2]
///        [--stores sqlite,postgres,broker-only,broker,broker-postgres] [--no-telemetry-acks]
/// </summary>
public static class IngestBenchmark
{
    public static int Run(string[] args)
    {
        var o = IngestBenchmarkOptions.Parse(args);
        if (o is null) return 2;
        var messages = BenchMessages.Create(o.Readings, o.PerMessage, o.Devices, o.BatchVersion);
        var payloads = messages.Select(m => (m.Device, m.Payload)).ToList();
        string dir = Path.Combine(Path.GetTempPath(), "nf-bench-ingest-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        Console.WriteLine($"ingest: {messages.Count} messages of {o.PerMessage} readings from {o.Devices} devices, telemetry batch version {o.BatchVersion}, " +
                          $"{Environment.ProcessorCount} cores, load1={ProcessMemory.Load1()}");
        try
        {
            DecodeRun.Measure(messages, o);
            if (o.Stores.Contains("sqlite"))
            {
                foreach (var sync in new[] { "FULL", "NORMAL" })
                {
                    string path = Path.Combine(dir, $"bench-{sync}.db");
                    MeasureStore($"sqlite sync={sync}", () => new SqliteTelemetryStore(path, sync), payloads, o);
                }
            }
            using var cluster = o.Stores.Contains("postgres") || o.Stores.Contains("broker-postgres") ? PostgresCluster.Start() : null;
            if (o.Stores.Contains("postgres"))
            {
                string connection = cluster!.CreateDatabaseAsync("bench").GetAwaiter().GetResult();
                MeasureStore("postgres", () => new PostgresTelemetryStore(connection), payloads, o);
            }
            if (o.AnyBrokerPath) MeasureBrokerPaths(dir, messages, cluster, o).GetAwaiter().GetResult();
            return 0;
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); }
            catch (IOException) { }
        }
    }

    private static async Task MeasureBrokerPaths(string dir, List<BenchMessage> messages, PostgresCluster? cluster, IngestBenchmarkOptions o)
    {
        if (!File.Exists(HostCommon.Broker.MosquittoInstance.DefaultExecutable))
        {
            Console.WriteLine("RESULT ingest path=broker skipped=mosquitto-not-installed");
            return;
        }
        using var fleet = new BenchFleet(dir, messages.Select(m => m.Device).Distinct());
        double? brokerOnly = await BrokerOnlyRun.MeasureAsync(fleet, messages, o);
        if (o.Stores.Contains("broker"))
        {
            await BrokerIngestRun.MeasureAsync(fleet, messages, "sqlite",
                run => new SqliteTelemetryStore(Path.Combine(dir, $"broker-ingest-{run}.db")), o, brokerOnly);
        }
        if (o.Stores.Contains("broker-postgres"))
        {
            await BrokerIngestRun.MeasureAsync(fleet, messages, "postgres",
                run => new PostgresTelemetryStore(cluster!.CreateDatabaseAsync($"bench_broker_{run}").GetAwaiter().GetResult()), o, brokerOnly);
        }
    }

    private static void MeasureStore(string name, Func<ITelemetryStore> open, List<(string Device, byte[] Payload)> payloads, IngestBenchmarkOptions o)
    {
        var validator = new TelemetryValidator();
        var now = DateTimeOffset.UtcNow;
        var messages = payloads.Select(p =>
        {
            var v = validator.Validate(TelemetryBatchDecoder.Decode(p.Payload, p.Device), p.Device, now);
            return new ReceivedTelemetry(v.DeviceId, v.Records, v.LastBatteryMillivolts, now);
        }).ToList();

        using var _ = new AsyncDisposer(open(), out var store);
        store.MigrateAsync().GetAwaiter().GetResult();
        double cpu = ProcessMemory.CpuSeconds(Environment.ProcessId);
        var sw = Stopwatch.StartNew();
        long inserted = 0;
        int commits = 0;
        foreach (var chunk in messages.Chunk(o.MessagesPerCommit))
        {
            var batch = new WriteBatch();
            batch.Telemetry.AddRange(chunk);
            inserted += store.WriteAsync(batch).GetAwaiter().GetResult().Inserted;
            commits++;
        }
        sw.Stop();
        cpu = ProcessMemory.CpuSeconds(Environment.ProcessId) - cpu;
        // What the page asks: one device's whole history in 10-minute buckets.
        var probe = messages[0].DeviceId;
        var query = Stopwatch.StartNew();
        int buckets = store.QueryBucketsAsync(probe, 0, long.MaxValue / 2, 600).GetAwaiter().GetResult().Count;
        query.Stop();
        // Again, with the query's code compiled: what the page waits for once the receiver has been running.
        var warm = Stopwatch.StartNew();
        store.QueryBucketsAsync(probe, 0, long.MaxValue / 2, 600).GetAwaiter().GetResult();
        warm.Stop();
        // The API's readings of one device over its last day (the run's readings are a minute apart).
        long last = messages.Where(m => m.DeviceId == probe).SelectMany(m => m.Records).Max(r => r.Time);
        var day = Stopwatch.StartNew();
        int dayReadings = store.QueryReadingsAsync(probe, last - 86_400, last + 1, 10_000).GetAwaiter().GetResult().Count;
        day.Stop();
        Print($"store={name}", inserted, sw.Elapsed, string.Create(CultureInfo.InvariantCulture,
            $"{CpuFields(inserted, cpu)} messages_per_commit={o.MessagesPerCommit} commits={commits} per_message={o.PerMessage} device_buckets_ms={query.Elapsed.TotalMilliseconds:F1} " +
            $"device_buckets_warm_ms={warm.Elapsed.TotalMilliseconds:F1} buckets={buckets} device_day_ms={day.Elapsed.TotalMilliseconds:F1} day_readings={dayReadings} load1={ProcessMemory.Load1()}"));

        // Everything again: all duplicates, the cost of a redelivery storm.
        sw.Restart();
        long duplicates = 0;
        foreach (var chunk in messages.Chunk(o.MessagesPerCommit))
        {
            var batch = new WriteBatch();
            batch.Telemetry.AddRange(chunk);
            duplicates += store.WriteAsync(batch).GetAwaiter().GetResult().Duplicates;
        }
        sw.Stop();
        Print($"store={name} redelivered=all", duplicates, sw.Elapsed, $"messages_per_commit={o.MessagesPerCommit}");
    }

    /// <summary>CPU seconds of the bench process over a part that runs on one thread, and microseconds per reading.</summary>
    internal static string CpuFields(long readings, double cpu) => string.Create(CultureInfo.InvariantCulture,
        $"cpu_s={cpu:F2} cpu_us_per_reading={cpu * 1e6 / Math.Max(readings, 1):F2}");

    internal static void Print(string what, long readings, TimeSpan elapsed, string extra) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT ingest {what} readings={readings} seconds={elapsed.TotalSeconds:F3} readings_per_s={readings / Math.Max(elapsed.TotalSeconds, 1e-9):F0} {extra}"));

    private sealed class AsyncDisposer : IDisposable
    {
        private readonly ITelemetryStore _store;
        public AsyncDisposer(ITelemetryStore store, out ITelemetryStore s) { _store = store; s = store; }
        public void Dispose() => _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
