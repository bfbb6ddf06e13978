using System.Diagnostics;
using System.Globalization;
using System.Security.Authentication;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Receiver.Ingest;

namespace NodeFirmware.Bench.Ingest;

/// <summary>
/// The broker alone: the same devices and messages, and a subscriber connected exactly as the receiver connects
/// (MQTT 5, TLS with the receiver's certificate, persistent session, the same Receive Maximum) that acknowledges
/// each message on receipt and discards it. The ceiling the whole path is compared with (broker_ratio).
/// </summary>
internal static class BrokerOnlyRun
{
    /// <summary>
    /// A wait this long for the next message, or for the last one after the last publish, means the subscriber stalled
    /// (docs/benchmarks.md, "ingest": seen on a quiet machine with Mosquitto 2.0.11); its rate is then no ceiling and the
    /// end-to-end lines print no ratio to it.
    /// </summary>
    public const double StallMs = 5000;

    /// <summary>The readings per second the subscriber received; null when it stalled (<see cref="StallMs"/>).</summary>
    public static async Task<double?> MeasureAsync(BenchFleet fleet, IReadOnlyList<BenchMessage> messages, IngestBenchmarkOptions o)
    {
        using var broker = fleet.StartBroker();
        var latencies = new Latencies(messages.Count);
        // The broker keeps each device's messages in order, so the k-th message from a device is its k-th batch.
        var byDevice = messages.GroupBy(m => m.Device).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        var next = byDevice.Keys.ToDictionary(d => d, _ => 0, StringComparer.Ordinal);
        long received = 0, readings = 0;
        var tls = BrokerTls.Load(fleet.Pki.CaCertificatePath, fleet.Pki.ServiceCertificatePath(ServiceIdentity.Receiver), fleet.Pki.ServiceKeyPath(ServiceIdentity.Receiver));
        var defaults = new MqttIngestOptions();
        using var subscriber = new MqttClientFactory().CreateMqttClient(new CoalescingMqttClientAdapterFactory()); // as the receiver's connection
        subscriber.ApplicationMessageReceivedAsync += e =>
        {
            string device = e.ApplicationMessage.Topic.Split('/')[1];
            int k;
            lock (next) k = next[device]++;
            var m = byDevice[device][k];
            latencies.Done(m.Index);
            Interlocked.Add(ref readings, m.Readings);
            Interlocked.Increment(ref received);
            return Task.CompletedTask; // acknowledged on return (AutoAcknowledge)
        };
        await subscriber.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(ServiceIdentity.Receiver)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(defaults.SessionExpirySeconds)
            .WithReceiveMaximum(defaults.ReceiveMaximum)
            .WithTlsOptions(t => t.UseTls().WithSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13)
                .WithClientCertificates([tls.ClientCertificate])
                .WithCertificateValidationHandler(e => tls.ValidateServer(e.Certificate, e.SslPolicyErrors)))
            .Build());
        await subscriber.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic("nodes/+/telemetry").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)).Build());
        var clients = await fleet.ConnectDevicesAsync(broker);

        string loadBefore = ProcessMemory.Load1();
        ProcessMemory.ResetOwnPeak();
        int brokerPid = broker.ProcessId ?? 0;
        double cpuBefore = ProcessMemory.CpuSeconds(Environment.ProcessId), brokerCpuBefore = ProcessMemory.CpuSeconds(brokerPid);
        var sw = Stopwatch.StartNew();
        await BenchFleet.PublishAllAsync(clients, messages, latencies);
        var published = sw.Elapsed;
        while (Interlocked.Read(ref received) < messages.Count && sw.Elapsed < TimeSpan.FromMinutes(10)) await Task.Delay(5);
        sw.Stop();
        double cpu = ProcessMemory.CpuSeconds(Environment.ProcessId) - cpuBefore, brokerCpu = ProcessMemory.CpuSeconds(brokerPid) - brokerCpuBefore;
        double peakRss = ProcessMemory.PeakRssMb(Environment.ProcessId);
        double brokerRss = broker.ProcessId is int pid ? ProcessMemory.PeakRssMb(pid) : 0;
        long got = Interlocked.Read(ref readings);
        double maxGap = latencies.MaxGapMs();
        // Also a stall: messages trickling in long after the last publish, each gap short (seen on a quiet machine, 2026-12-03).
        bool stalled = maxGap >= StallMs || (sw.Elapsed - published).TotalMilliseconds >= StallMs;
        IngestBenchmark.Print("path=broker-only", got, sw.Elapsed, string.Create(CultureInfo.InvariantCulture,
            $"p50_ms={latencies.PercentileMs(0.50):F0} p99_ms={latencies.PercentileMs(0.99):F0} max_gap_ms={maxGap:F0} stalled={(stalled ? 1 : 0)} peak_rss_mb={peakRss:F0} broker_peak_rss_mb={brokerRss:F0} {BrokerIngestRun.CpuFields(got, cpu, brokerCpu)} " +
            $"devices={clients.Count} messages={messages.Count} per_message={o.PerMessage} receive_maximum={defaults.ReceiveMaximum} " +
            $"publish_seconds={published.TotalSeconds:F3} load1_before={loadBefore} load1_after={ProcessMemory.Load1()} " +
            $"complete={(Interlocked.Read(ref received) == messages.Count ? 1 : 0)}"));
        BenchFleet.Disconnect(clients);
        return stalled ? null : got / sw.Elapsed.TotalSeconds;
    }
}
