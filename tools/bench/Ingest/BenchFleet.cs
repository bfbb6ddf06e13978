using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NodeFirmware.HostCommon.Broker;
using NodeFirmware.HostCommon.Pki;

namespace NodeFirmware.Bench.Ingest;

/// <summary>
/// The devices of the broker runs: a fleet CA, the broker's and the receiver's certificates, and one certificate per
/// device, each device its own TLS 1.2 session and MQTT 3.1.1 client id, like the firmware. A fresh Mosquitto
/// (the project's generated configuration) per run, so no run inherits another's queue.
/// </summary>
internal sealed class BenchFleet : IDisposable
{
    private readonly string _dir;
    private readonly PkiStore _pki;
    private readonly FleetCa _ca;
    private readonly FleetTrust _trust;
    private readonly Dictionary<string, X509Certificate2> _devices = new(StringComparer.Ordinal);
    private int _runs;

    public BenchFleet(string dir, IEnumerable<string> devices)
    {
        _dir = dir;
        _pki = new PkiStore(Path.Combine(dir, "pki"));
        _ca = _pki.CreateCa("bench", "benchmark passphrase", kdfIterations: 100_000);
        _pki.IssueBroker(_ca).Dispose();
        _pki.IssueService(_ca, ServiceIdentity.Receiver).Dispose();
        _trust = new FleetTrust(_ca.Certificate);
        foreach (var d in devices) _devices[d] = _pki.IssueDevice(_ca, d, keepKey: false).WithPrivateKey();
    }

    public PkiStore Pki => _pki;

    public MosquittoInstance StartBroker() =>
        MosquittoInstance.Start(MosquittoConfig.ForStore(_pki, Path.Combine(_dir, $"broker-{++_runs}")));

    /// <summary>Connects every device; returns a client per device.</summary>
    public async Task<Dictionary<string, IMqttClient>> ConnectDevicesAsync(MosquittoInstance broker)
    {
        var clients = new Dictionary<string, IMqttClient>(StringComparer.Ordinal);
        foreach (var (device, cert) in _devices)
        {
            var client = new MqttClientFactory().CreateMqttClient();
            await client.ConnectAsync(new MqttClientOptionsBuilder()
                .WithTcpServer(broker.Host, broker.Port)
                .WithProtocolVersion(MqttProtocolVersion.V311)
                .WithClientId(device)
                .WithTlsOptions(t => t.UseTls().WithSslProtocols(SslProtocols.Tls12)
                    .WithClientCertificates(new X509Certificate2Collection(cert))
                    .WithCertificateValidationHandler(e => _trust.ValidateServer(e.Certificate, e.SslPolicyErrors)))
                .Build());
            clients[device] = client;
        }
        return clients;
    }

    /// <summary>
    /// Every device publishes its batches one after the other at QoS 1, each after the PUBACK of the one before, as
    /// the firmware does; all devices at once.
    /// </summary>
    public static Task PublishAllAsync(Dictionary<string, IMqttClient> clients, IReadOnlyList<BenchMessage> messages, Latencies latencies) =>
        Task.WhenAll(messages.GroupBy(m => m.Device).Select(group => Task.Run(async () =>
        {
            var client = clients[group.Key];
            foreach (var m in group)
            {
                latencies.Published(m.Index);
                var result = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"nodes/{m.Device}/telemetry")
                    .WithPayload(m.Payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
                if (!result.IsSuccess) throw new InvalidOperationException($"publish refused: {result.ReasonCode}");
            }
        })));

    public static void Disconnect(Dictionary<string, IMqttClient> clients)
    {
        foreach (var c in clients.Values) c.Dispose();
    }

    public void Dispose()
    {
        foreach (var c in _devices.Values) c.Dispose();
        _ca.Dispose();
    }
}
