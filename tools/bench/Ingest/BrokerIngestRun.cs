using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Receiver.Ingest;
using NodeFirmware.Receiver.Metrics;
using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Validation;

namespace NodeFirmware.Bench.Ingest;

/// <summary>
/// The whole path: the devices publish QoS 1 over TLS to a real Mosquitto, the receiver's ingest (in this process:
/// MqttIngestService with its pipeline) commits to the store and acknowledges after commit. Rate: readings stored
/// from the first publish to the last commit; latency: from a batch's publish to the commit that stored it.
/// complete=1 when every reading sent was stored once with the time and values sent (<see cref="StoredReadingsCheck"/>).
/// </summary>
internal static class BrokerIngestRun
{
    /// <summary>Messages of the warm-up run: enough for the JIT to have compiled the receiver's path at its final tier.</summary>
    private const int WarmUpMessages = 3000;

    /// <summary>
    /// A short run of the first messages into a store of its own (<paramref name="open"/>("warmup")), not printed, then
    /// the measured run (<paramref name="open"/>("run")): the CPU seconds are those of a receiver that has been running,
    /// not of the JIT compiling its code (a quarter of the process's CPU in a 300,000-reading run without it).
    /// </summary>
    public static async Task<double> MeasureAsync(BenchFleet fleet, IReadOnlyList<BenchMessage> messages, string storeName,
        Func<string, ITelemetryStore> open, IngestBenchmarkOptions o, double? brokerOnlyRate)
    {
        if (messages.Count > 2 * WarmUpMessages)
            await RunAsync(fleet, messages.Take(WarmUpMessages).ToList(), storeName, () => open("warmup"), o, brokerOnlyRate, print: false);
        return await RunAsync(fleet, messages, storeName, () => open("run"), o, brokerOnlyRate, print: true);
    }

    private static async Task<double> RunAsync(BenchFleet fleet, IReadOnlyList<BenchMessage> messages, string storeName,
        Func<ITelemetryStore> open, IngestBenchmarkOptions o, double? brokerOnlyRate, bool print)
    {
        using var broker = fleet.StartBroker();
        var latencies = new Latencies(messages.Count);
        var store = new CommitClock(open(), messages, latencies);
        await using var _ = store;
        await store.MigrateAsync();
        var metrics = new ReceiverMetrics();
        var writer = new IngestWriter(store, metrics, TimeProvider.System, NullLogger<IngestWriter>.Instance, o.MessagesPerCommit);
        var options = new MqttIngestOptions
        {
            Address = $"{broker.Host}:{broker.Port}",
            CaFile = fleet.Pki.CaCertificatePath,
            CertFile = fleet.Pki.ServiceCertificatePath(ServiceIdentity.Receiver),
            KeyFile = fleet.Pki.ServiceKeyPath(ServiceIdentity.Receiver),
            MaxMessagesPerCommit = o.MessagesPerCommit,
        };
        // As `Receiver serve`: each committed batch is acknowledged to its device before the broker gets its PUBACK.
        var acks = o.TelemetryAcks ? new TelemetryAckSender(metrics, NullLogger<TelemetryAckSender>.Instance) : null;
        var ingest = new MqttIngestService(Options.Create(options), new IngestClassifier(new TelemetryValidator(), metrics), writer, metrics,
            TimeProvider.System, NullLogger<MqttIngestService>.Instance, telemetryAcks: acks);
        await ingest.StartAsync(CancellationToken.None);
        for (int i = 0; i < 300 && !metrics.IsBrokerConnected; i++) await Task.Delay(100);
        if (!metrics.IsBrokerConnected) throw new InvalidOperationException("the ingest did not connect to the broker");
        var clients = await fleet.ConnectDevicesAsync(broker);

        long expected = messages.Sum(m => (long)m.Readings);
        string loadBefore = ProcessMemory.Load1();
        ProcessMemory.ResetOwnPeak();
        int brokerPid = broker.ProcessId ?? 0;
        double cpuBefore = ProcessMemory.CpuSeconds(Environment.ProcessId), brokerCpuBefore = ProcessMemory.CpuSeconds(brokerPid);
        var sw = Stopwatch.StartNew();
        await BenchFleet.PublishAllAsync(clients, messages, latencies);
        var published = sw.Elapsed;
        while (store.Inserted < expected && sw.Elapsed < TimeSpan.FromMinutes(10)) await Task.Delay(5);
        sw.Stop();
        double cpu = ProcessMemory.CpuSeconds(Environment.ProcessId) - cpuBefore, brokerCpu = ProcessMemory.CpuSeconds(brokerPid) - brokerCpuBefore;
        double peakRss = ProcessMemory.PeakRssMb(Environment.ProcessId);
        double brokerRss = broker.ProcessId is int pid ? ProcessMemory.PeakRssMb(pid) : 0;
        long stored = store.Inserted, readingsDone = stored;
        // After the figures: reading every reading back is no part of the path measured.
        var verdict = await StoredReadingsCheck.VerifyAsync(store, messages);
        double rate = stored / sw.Elapsed.TotalSeconds;
        // n/a: no broker-only line, or it stalled and is no ceiling.
        string ratio = brokerOnlyRate is > 0 ? (rate / brokerOnlyRate.Value).ToString("F2", CultureInfo.InvariantCulture) : "n/a";
        if (print) IngestBenchmark.Print($"path=broker store={storeName}", stored, sw.Elapsed, string.Create(CultureInfo.InvariantCulture,
            $"broker_ratio={ratio} p50_ms={latencies.PercentileMs(0.50):F0} p99_ms={latencies.PercentileMs(0.99):F0} max_gap_ms={latencies.MaxGapMs():F0} peak_rss_mb={peakRss:F0} " +
            $"broker_peak_rss_mb={brokerRss:F0} {CpuFields(readingsDone, cpu, brokerCpu)} devices={clients.Count} messages={messages.Count} per_message={o.PerMessage} batch_version={o.BatchVersion} " +
            $"messages_per_commit={o.MessagesPerCommit} telemetry_acks={metrics.TelemetryAcksSent} receive_maximum={options.ReceiveMaximum} publish_seconds={published.TotalSeconds:F3} " +
            $"load1_before={loadBefore} load1_after={ProcessMemory.Load1()} complete={(stored == expected && verdict.Complete ? 1 : 0)} " +
            $"missing={verdict.Missing} altered={verdict.Altered}"));

        BenchFleet.Disconnect(clients);
        await ingest.StopAsync(CancellationToken.None);
        return rate;
    }

    /// <summary>
    /// CPU seconds of the bench process (receiver and device clients) and of Mosquitto during the run, and the
    /// readings per CPU-second of both together: what the path costs whatever share of the cores it was given.
    /// </summary>
    public static string CpuFields(long readings, double cpu, double brokerCpu) => string.Create(CultureInfo.InvariantCulture,
        $"cpu_s={cpu:F1} broker_cpu_s={brokerCpu:F1} readings_per_cpu_s={readings / Math.Max(cpu + brokerCpu, 0.01):F0}");
}
