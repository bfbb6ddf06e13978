using System.Diagnostics;
using System.Globalization;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Telemetry;
using NodeFirmware.Receiver.Decoding;
using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Storage.Postgres;
using NodeFirmware.Receiver.Storage.Sqlite;
using NodeFirmware.Receiver.Validation;

namespace NodeFirmware.Bench.Ingest;

/// <summary>
/// Readings per second the receiver stores: decoded and validated firmware batches written through
/// ITelemetryStore in commits of several messages, into SQLite (synchronous FULL and NORMAL) and PostgreSQL,
/// and through a real mosquitto with mutual TLS when it is installed (see BrokerIngestRun).
/// Usage: bench ingest [--readings N] [--per-message K] [--messages-per-commit M] [--stores sqlite,postgres,broker]
/// </summary>
public static class IngestBenchmark
{
    public static int Run(string[] args)
    {
        var o = IngestBenchmarkOptions.Parse(args);
        if (o is null) return 2;
        var payloads = Payloads(o.Readings, o.PerMessage);
        string dir = Path.Combine(Path.GetTempPath(), "nf-bench-ingest-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            MeasureDecode(payloads, o);
            if (o.Stores.Contains("sqlite"))
            {
                foreach (var sync in new[] { "FULL", "NORMAL" })
                {
                    string path = Path.Combine(dir, $"bench-{sync}.db");
                    MeasureStore($"sqlite sync={sync}", () => new SqliteTelemetryStore(path, sync), payloads, o);
                }
            }
            if (o.Stores.Contains("postgres"))
            {
                using var cluster = PostgresCluster.Start();
                string connection = cluster.CreateDatabaseAsync("bench").GetAwaiter().GetResult();
                MeasureStore("postgres", () => new PostgresTelemetryStore(connection), payloads, o);
            }
            if (o.Stores.Contains("broker"))
                BrokerIngestRun.Measure(dir, payloads, o);
            return 0;
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); }
            catch (IOException) { }
        }
    }

    /// <summary>Firmware-encoded batches from a handful of devices, each a run of consecutive readings.</summary>
    internal static List<(string Device, byte[] Payload)> Payloads(int readings, int perMessage)
    {
        var list = new List<(string, byte[])>();
        var random = new Random(7);
        uint start = (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds() - (uint)(readings / 8 * 60) - 600;
        int devices = 8;
        for (int m = 0; m * perMessage < readings; m++)
        {
            string device = $"esp32-be0c00{m % devices:x6}";
            uint firstSeq = (uint)(m / devices * perMessage);
            int count = Math.Min(perMessage, readings - m * perMessage);
            var batch = new Reading[count];
            for (int k = 0; k < count; k++)
            {
                batch[k] = new Reading
                {
                    Sequence = firstSeq + (uint)k,
                    UnixTime = start + (firstSeq + (uint)k) * 60,
                    Sample = new EnvironmentSample { CentiCelsius = 2000 + random.Next(-500, 500), CentiPercentRh = 4500 + random.Next(-900, 900), Pascal = 100_000 + random.Next(-2000, 2000) },
                    BatteryMillivolts = 3900 - random.Next(0, 200),
                };
            }
            list.Add((device, TelemetryBatchEncoder.Encode(device, 1, batch, 0, count)));
        }
        return list;
    }

    private static void MeasureDecode(List<(string Device, byte[] Payload)> payloads, IngestBenchmarkOptions o)
    {
        var validator = new TelemetryValidator();
        var now = DateTimeOffset.UtcNow;
        foreach (var (d, p) in payloads.Take(200)) validator.Validate(TelemetryBatchDecoder.Decode(p), d, now); // warm-up
        var sw = Stopwatch.StartNew();
        long readings = 0;
        foreach (var (d, p) in payloads) readings += validator.Validate(TelemetryBatchDecoder.Decode(p), d, now).Records.Count;
        sw.Stop();
        Print("decode+validate", readings, sw.Elapsed, $"per_message={o.PerMessage} bytes_per_reading={payloads.Sum(p => p.Payload.Length) / (double)readings:F1}");
    }

    private static void MeasureStore(string name, Func<ITelemetryStore> open, List<(string Device, byte[] Payload)> payloads, IngestBenchmarkOptions o)
    {
        var validator = new TelemetryValidator();
        var now = DateTimeOffset.UtcNow;
        var messages = payloads.Select(p =>
        {
            var v = validator.Validate(TelemetryBatchDecoder.Decode(p.Payload), p.Device, now);
            return new ReceivedTelemetry(v.DeviceId, v.Records, v.LastBatteryMillivolts, now);
        }).ToList();

        using var _ = new AsyncDisposer(open(), out var store);
        store.MigrateAsync().GetAwaiter().GetResult();
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
        Print($"store={name}", inserted, sw.Elapsed, $"messages_per_commit={o.MessagesPerCommit} commits={commits} per_message={o.PerMessage}");

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
