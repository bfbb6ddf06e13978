using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.EndToEnd;

/// <summary>
/// Publishes telemetry the way the firmware does: MQTT 3.1.1 over TLS with its certificate, QoS 1, and a batch
/// counts as delivered only when the broker acknowledged it — otherwise it is sent again after reconnecting.
/// Some batches are sent twice on purpose, and some overlap the previous one, as after a lost PUBACK.
/// </summary>
public sealed class SimulatedDevice(string id, X509Certificate2 certificate, FleetTrust trust, string host, int port) : IDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();

    public string Id { get; } = id;
    public int Redeliveries { get; private set; }
    public int Retries { get; private set; }

    /// <summary>Other nodes of a clustered broker, tried in turn after a failed attempt (the port given first is used first).</summary>
    public IReadOnlyList<int> FailoverPorts { get; init; } = [];
    private int _attempts;
    private int CurrentPort => FailoverPorts.Count == 0 ? port : new[] { port }.Concat(FailoverPorts).ElementAt(_attempts % (FailoverPorts.Count + 1));

    /// <summary>Sends readings with sequences 0..count-1 in batches; returns how many distinct readings it generated.</summary>
    public async Task<int> RunAsync(int batches, int perBatch, TimeSpan interval, int seed, CancellationToken ct)
    {
        var random = new Random(seed);
        uint firstTime = Batches.Now - (uint)(batches * perBatch * 60);
        int generated = 0;
        Core.Telemetry.Reading[]? previous = null;
        for (int b = 0; b < batches; b++)
        {
            var readings = Batches.Readings(perBatch, (uint)(b * perBatch), firstTime + (uint)(b * perBatch * 60), seed: seed + b);
            await PublishUntilAckedAsync(Batches.Encode(readings, epoch: 1, deviceId: Id), ct);
            generated += perBatch;
            int roll = random.Next(10);
            if (roll == 0)
            {
                await PublishUntilAckedAsync(Batches.Encode(readings, epoch: 1, deviceId: Id), ct); // the same batch again
                Redeliveries++;
            }
            else if (roll == 1 && previous is not null)
            {
                // A batch spanning the second half of the previous one and the first half of this one.
                var overlap = previous[(perBatch / 2)..].Concat(readings[..(perBatch / 2)]).ToArray();
                await PublishUntilAckedAsync(Batches.Encode(overlap, epoch: 1, deviceId: Id), ct);
                Redeliveries++;
            }
            previous = readings;
            await Task.Delay(interval, ct);
        }
        return generated;
    }

    private async Task PublishUntilAckedAsync(byte[] payload, CancellationToken ct)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic($"nodes/{Id}/telemetry")
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        for (int attempt = 0; ; attempt++)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                if (!_client.IsConnected) await _client.ConnectAsync(Options(), ct);
                var result = await _client.PublishAsync(message, ct);
                if (result.IsSuccess) return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // The broker went away: reconnect and send the same batch again.
            }
            Retries++;
            _attempts++;
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 100 * (attempt + 1))), ct);
        }
    }

    private MqttClientOptions Options() => new MqttClientOptionsBuilder()
        .WithTcpServer(host, CurrentPort)
        .WithProtocolVersion(MqttProtocolVersion.V311)
        .WithClientId(Id)
        .WithCleanSession(true)
        .WithTimeout(TimeSpan.FromSeconds(5))
        .WithTlsOptions(o => o
            .UseTls()
            .WithSslProtocols(SslProtocols.Tls12)
            .WithClientCertificates(new X509Certificate2Collection(certificate))
            .WithCertificateValidationHandler(e => trust.ValidateServer(e.Certificate, e.SslPolicyErrors)))
        .Build();

    public void Dispose() => _client.Dispose();
}
