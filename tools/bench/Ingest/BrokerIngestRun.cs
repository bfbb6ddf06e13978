using System.Diagnostics;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NodeFirmware.HostCommon.Broker;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Receiver.Ingest;
using NodeFirmware.Receiver.Metrics;
using NodeFirmware.Receiver.Storage.Sqlite;
using NodeFirmware.Receiver.Validation;

namespace NodeFirmware.Bench.Ingest;

/// <summary>
/// The whole path: devices publish QoS 1 over TLS to a real mosquitto, the receiver's ingest (in this process)
/// commits to SQLite and acknowledges after commit. Time from the first publish to the last reading stored.
/// </summary>
internal static class BrokerIngestRun
{
    public static void Measure(string dir, List<(string Device, byte[] Payload)> payloads, IngestBenchmarkOptions o)
    {
        if (!File.Exists(MosquittoInstance.DefaultExecutable))
        {
            Console.WriteLine("RESULT ingest path=broker skipped=mosquitto-not-installed");
            return;
        }
        MeasureAsync(dir, payloads, o).GetAwaiter().GetResult();
    }

    private static async Task MeasureAsync(string dir, List<(string Device, byte[] Payload)> payloads, IngestBenchmarkOptions o)
    {
        var pki = new PkiStore(Path.Combine(dir, "pki"));
        using var ca = pki.CreateCa("bench", "benchmark passphrase", kdfIterations: 100_000);
        using var brokerCredential = pki.IssueBroker(ca);
        using var receiverCredential = pki.IssueService(ca, ServiceIdentity.Receiver);
        using var broker = MosquittoInstance.Start(MosquittoConfig.ForStore(pki, Path.Combine(dir, "broker")));

        await using var store = new SqliteTelemetryStore(Path.Combine(dir, "broker-ingest.db"));
        await store.MigrateAsync();
        var metrics = new ReceiverMetrics();
        var writer = new IngestWriter(store, metrics, TimeProvider.System, NullLogger<IngestWriter>.Instance, o.MessagesPerCommit);
        var ingest = new MqttIngestService(
            Options.Create(new MqttIngestOptions
            {
                Address = $"{broker.Host}:{broker.Port}",
                CaFile = pki.CaCertificatePath,
                CertFile = pki.ServiceCertificatePath(ServiceIdentity.Receiver),
                KeyFile = pki.ServiceKeyPath(ServiceIdentity.Receiver),
            }),
            new IngestClassifier(new TelemetryValidator(), metrics), writer, metrics, TimeProvider.System, NullLogger<MqttIngestService>.Instance);
        await ingest.StartAsync(CancellationToken.None);
        for (int i = 0; i < 300 && !metrics.IsBrokerConnected; i++) await Task.Delay(100);
        if (!metrics.IsBrokerConnected) throw new InvalidOperationException("the ingest did not connect to the broker");

        var trust = new FleetTrust(ca.Certificate);
        var byDevice = payloads.GroupBy(p => p.Device).ToList();
        var clients = new List<IMqttClient>();
        foreach (var group in byDevice)
        {
            var credential = pki.IssueDevice(ca, group.Key, keepKey: false);
            var cert = credential.WithPrivateKey();
            var client = new MqttClientFactory().CreateMqttClient();
            await client.ConnectAsync(new MqttClientOptionsBuilder()
                .WithTcpServer(broker.Host, broker.Port)
                .WithProtocolVersion(MqttProtocolVersion.V311)
                .WithClientId(group.Key)
                .WithTlsOptions(t => t.UseTls().WithSslProtocols(SslProtocols.Tls12)
                    .WithClientCertificates(new X509Certificate2Collection(cert))
                    .WithCertificateValidationHandler(e => trust.ValidateServer(e.Certificate, e.SslPolicyErrors)))
                .Build());
            clients.Add(client);
        }

        long expected = payloads.Sum(p => NodeFirmware.Receiver.Decoding.TelemetryBatchDecoder.Decode(p.Payload).Readings.Count);
        var sw = Stopwatch.StartNew();
        // Each device publishes its batches one after the other, waiting for each PUBACK, as the firmware does.
        await Task.WhenAll(byDevice.Select((group, i) => Task.Run(async () =>
        {
            foreach (var (device, payload) in group)
            {
                var message = new MqttApplicationMessageBuilder().WithTopic($"nodes/{device}/telemetry").WithPayload(payload)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
                var result = await clients[i].PublishAsync(message);
                if (!result.IsSuccess) throw new InvalidOperationException($"publish refused: {result.ReasonCode}");
            }
        })));
        var published = sw.Elapsed;
        while (await store.CountReadingsAsync() < expected && sw.Elapsed < TimeSpan.FromMinutes(5)) await Task.Delay(20);
        sw.Stop();
        long stored = await store.CountReadingsAsync();
        IngestBenchmark.Print("path=broker store=sqlite sync=FULL", stored, sw.Elapsed,
            $"devices={byDevice.Count} messages={payloads.Count} per_message={o.PerMessage} publish_seconds={published.TotalSeconds:F3} complete={(stored == expected ? 1 : 0)}");

        foreach (var c in clients) c.Dispose();
        await ingest.StopAsync(CancellationToken.None);
    }
}
