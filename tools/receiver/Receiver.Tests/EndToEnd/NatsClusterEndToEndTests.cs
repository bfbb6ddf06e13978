using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using NodeFirmware.HostCommon.Broker;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Receiver.Storage.Sqlite;
using NodeFirmware.Receiver.Tests.Support;
using Xunit.Abstractions;

namespace NodeFirmware.Receiver.Tests.EndToEnd;

/// <summary>
/// The clustered broker (docs/scaling.md): three nats-server nodes on loopback with MQTT over mutual TLS and
/// JetStream replicating sessions and QoS 1 messages to all three. Devices publish through two nodes, the receiver
/// ingests through the third, one device-facing node is SIGKILLed mid-run: every reading a device got PUBACKed for
/// is stored exactly once. And the per-certificate permissions hold against a device that tries other devices' topics.
/// </summary>
public sealed class NatsClusterEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private const int Devices = 4, BatchesPerDevice = 25, ReadingsPerBatch = 10;
    private readonly TempDirectory _dir = new("nf-nats");

    public void Dispose() => _dir.Dispose();

    private static string[] ReceiverArgs(FleetPki pki, NatsCluster cluster, int node) =>
    [
        "--broker", $"127.0.0.1:{cluster.MqttPort(node)}", "--mqtt-version", "3.1.1",
        "--ca", pki.Store.CaCertificatePath,
        "--cert", pki.Store.ServiceCertificatePath(ServiceIdentity.Receiver),
        "--key", pki.Store.ServiceKeyPath(ServiceIdentity.Receiver),
    ];

    [Fact]
    public async Task A_cluster_node_killed_mid_run_loses_no_acked_reading()
    {
        using var pki = new FleetPki(_dir);
        var ids = Enumerable.Range(0, Devices).Select(i => $"esp32-c1a5e0{i:x6}").ToList();
        var certificates = ids.Select(pki.Device).ToList(); // issued before the configuration: each becomes a user
        using var cluster = NatsCluster.Start(NatsClusterConfig.ForStore(pki.Store, _dir.File("nats")));
        string db = _dir.File("receiver.db");
        using var receiver = await ReceiverProcess.StartAsync(["--store", "sqlite:" + db, .. ReceiverArgs(pki, cluster, node: 0)]);
        await receiver.WaitForBrokerAsync();

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        // Devices on nodes 1 and 2, each moving on to the other nodes when its own fails.
        var devices = ids.Select((id, i) =>
        {
            int home = 1 + i % 2;
            return new SimulatedDevice(id, certificates[i], pki.Trust, "127.0.0.1", cluster.MqttPort(home))
            {
                FailoverPorts = [cluster.MqttPort(3 - home), cluster.MqttPort(0)],
            };
        }).ToList();
        var publishing = devices.Select((d, i) => d.RunAsync(BatchesPerDevice, ReadingsPerBatch, TimeSpan.FromMilliseconds(200), 900 + i, cts.Token)).ToList();

        await Task.Delay(2000, cts.Token);
        cluster.Kill(1);
        output.WriteLine($"node1 SIGKILLed at {DateTime.UtcNow:HH:mm:ss.fff}");

        int generated = (await Task.WhenAll(publishing)).Sum();
        await using var store = new SqliteTelemetryStore(db);
        long stored = await StoreSettling.WaitUntilSettledAsync(store, generated, cts.Token);
        output.WriteLine($"generated {generated} (acked), stored {stored}; device re-sends {devices.Sum(d => d.Redeliveries)}, retries after failures {devices.Sum(d => d.Retries)}");
        foreach (var device in devices)
        {
            var readings = await store.QueryReadingsAsync(device.Id, 0, long.MaxValue, 100_000);
            Assert.Equal(Enumerable.Range(0, BatchesPerDevice * ReadingsPerBatch).Select(s => (long)s), readings.Select(r => r.Key.Sequence).Order());
        }
        Assert.Equal(generated, stored);
        Assert.True(devices.Where((_, i) => i % 2 == 0).Sum(d => d.Retries) > 0, "the devices on the killed node never noticed it");
        foreach (var d in devices) d.Dispose();
    }

    [Fact]
    public async Task A_device_reaches_only_its_own_topics_and_unknown_certificates_are_refused()
    {
        using var pki = new FleetPki(_dir);
        const string victimId = "esp32-71c710000001", attackerId = "esp32-a77ac0000002";
        var victimCert = pki.Device(victimId);
        var attackerCert = pki.Device(attackerId);
        // A board re-provisioned with a new key, whose old certificate (same name) is still valid under the CA; and a
        // revoked board. nats-server reads no CRL: the configuration pins current keys and leaves revoked names out.
        const string reissuedId = "esp32-5e1ace000004", revokedId = "esp32-4e7043000005";
        using var replacedCredential = pki.Store.IssueDevice(pki.Ca, reissuedId, keepKey: false);
        using var replaced = replacedCredential.WithPrivateKey();
        var reissued = pki.Device(reissuedId);
        var revoked = pki.Device(revokedId);
        pki.Store.RevokeDevice(revokedId);
        using var cluster = NatsCluster.Start(NatsClusterConfig.ForStore(pki.Store, _dir.File("nats")));
        string Host = "127.0.0.1";

        // The receiver's identity watches everything devices send; it is also the only one that may send commands.
        using var receiverCert = pki.Store.LoadServiceIdentity(ServiceIdentity.Receiver);
        await using var watcher = new DeviceClient("watcher", receiverCert, pki.Trust, Host, cluster.MqttPort(0), persistentSession: false);
        await FirstConnectAsync(watcher, "nodes/+/telemetry", "nodes/+/status");
        await using var victim = new DeviceClient(victimId, victimCert, pki.Trust, Host, cluster.MqttPort(1), persistentSession: false);
        await victim.ConnectAsync($"nodes/{victimId}/cmd");
        await using var attacker = new DeviceClient(attackerId, attackerCert, pki.Trust, Host, cluster.MqttPort(2), persistentSession: false);
        await attacker.ConnectAsync($"nodes/{victimId}/cmd", $"nodes/{victimId}/telemetry", "nodes/+/cmd", "#", "$MQTT/sub/#");
        await Task.Delay(1000);

        // Forged telemetry and status for the victim: MQTT 3.1.1 has no refusal code for a publish, so the broker
        // acknowledges and drops it; what counts is that nobody receives it.
        await attacker.PublishAsync($"nodes/{victimId}/telemetry", Encoding.UTF8.GetBytes("forged"));
        await attacker.PublishAsync($"nodes/{victimId}/status", Encoding.UTF8.GetBytes("forged"));
        await attacker.PublishAsync($"nodes/{victimId}/cmd", Encoding.UTF8.GetBytes("forged command"));
        // What the receiver sends the victim and what the victim reports, which the attacker must not see either.
        await using var cloud = new DeviceClient("cloud", receiverCert, pki.Trust, Host, cluster.MqttPort(0), persistentSession: false);
        await cloud.ConnectAsync();
        await cloud.PublishAsync($"nodes/{victimId}/cmd", Encoding.UTF8.GetBytes("real command"));
        await victim.PublishAsync($"nodes/{victimId}/telemetry", Encoding.UTF8.GetBytes("real telemetry"));
        // Controls: the attacker's own telemetry does arrive.
        await attacker.PublishAsync($"nodes/{attackerId}/telemetry", Encoding.UTF8.GetBytes("own telemetry"));

        var seen = await DrainAsync(watcher, TimeSpan.FromSeconds(3));
        Assert.Contains(($"nodes/{attackerId}/telemetry", "own telemetry"), seen);
        Assert.Contains(($"nodes/{victimId}/telemetry", "real telemetry"), seen);
        Assert.DoesNotContain(seen, m => m.Payload.StartsWith("forged", StringComparison.Ordinal));
        var victimGot = await DrainAsync(victim, TimeSpan.FromSeconds(1));
        Assert.Equal([($"nodes/{victimId}/cmd", "real command")], victimGot);
        var attackerGot = await DrainAsync(attacker, TimeSpan.FromSeconds(1));
        Assert.Empty(attackerGot);

        // A certificate from another CA with the victim's name, and a self-signed one: refused at the TLS handshake.
        using var otherDir = new TempDirectory("nf-nats-other");
        var otherStore = new PkiStore(otherDir.File("pki"));
        using var otherCa = otherStore.CreateCa("other", "other passphrase", kdfIterations: 100_000);
        using var foreignCredential = otherStore.IssueDevice(otherCa, victimId, keepKey: false);
        using var foreign = foreignCredential.WithPrivateKey();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var selfSigned = new CertificateRequest($"CN={victimId}", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // A certificate of the fleet CA issued after the configuration was written is no user yet: refused too.
        var late = pki.Device("esp32-1a7e00000003");
        await using (var current = new DeviceClient(reissuedId, reissued, pki.Trust, Host, cluster.MqttPort(0), persistentSession: false))
            Assert.Equal(MQTTnet.MqttClientConnectResultCode.Success, await current.ConnectForResultAsync());
        foreach (var (name, id, cert) in new[]
        {
            ("another CA's", victimId, foreign), ("a self-signed", victimId, selfSigned), ("a not yet configured", victimId, late),
            ("a replaced", reissuedId, replaced), ("a revoked", revokedId, revoked),
        })
        {
            await using var intruder = new DeviceClient(id, cert, pki.Trust, Host, cluster.MqttPort(0), persistentSession: false);
            string answer;
            try
            {
                var code = await intruder.ConnectForResultAsync();
                Assert.True(code != MQTTnet.MqttClientConnectResultCode.Success, $"{name} certificate was let in");
                answer = code.ToString();
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException e)
            {
                answer = e.Message;
            }
            Assert.False(intruder.IsConnected, $"{name} certificate left a connection open");
            output.WriteLine($"{name} certificate refused: {answer}");
        }
    }

    /// <summary>
    /// The cluster's first MQTT client makes nats-server create the account's MQTT streams, replicated to three nodes;
    /// on a loaded machine that can outlast the server's wait and the connection is closed. A permitted identity is
    /// tried again for up to 30 s (a refused one never gets in, so this hides no refusal).
    /// </summary>
    private async Task FirstConnectAsync(DeviceClient client, params string[] subscriptions)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await client.ConnectAsync(subscriptions);
                return;
            }
            catch (MQTTnet.Adapter.MqttConnectingFailedException e) when (DateTime.UtcNow < deadline)
            {
                output.WriteLine($"first connect, attempt {attempt}: {e.Message}; trying again");
                await Task.Delay(1000);
            }
        }
    }

    private static async Task<List<(string Topic, string Payload)>> DrainAsync(DeviceClient client, TimeSpan quiet)
    {
        var got = new List<(string, string)>();
        while (true)
        {
            using var wait = new CancellationTokenSource(quiet);
            try
            {
                var (topic, payload) = await client.Received.Reader.ReadAsync(wait.Token);
                got.Add((topic, Encoding.UTF8.GetString(payload)));
            }
            catch (OperationCanceledException)
            {
                return got;
            }
        }
    }
}
