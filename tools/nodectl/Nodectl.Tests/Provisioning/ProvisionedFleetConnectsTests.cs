using NodeSim.Network;
using System.Buffers;
using System.Collections.Concurrent;
using MQTTnet;
using MQTTnet.Protocol;
using NodeFirmware.Core.Config;
using NodeFirmware.HostCommon.Boards;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Nodectl.Audit;
using NodeFirmware.Nodectl.Provisioning;
using NodeFirmware.Nodectl.Tests.Partitions;
using NodeSim.Fleet;
using NodeSim.Provisioning;
using NodeSim.Telemetry;

namespace NodeFirmware.Nodectl.Tests.Provisioning;

/// <summary>
/// Issue 8's acceptance: one `nodectl provision` run over 100 virtual nodes gives 100 audit records, and then every
/// node connects to a real Mosquitto with the identity it stored (not one handed to it by the test) and delivers
/// telemetry.
/// </summary>
public class ProvisionedFleetConnectsTests
{
    private const string CaPassphrase = "fleet ca passphrase for the line";
    private const int Nodes = 100;

    [Fact]
    public async Task A_hundred_nodes_provisioned_in_one_command_each_publish_with_their_own_certificate()
    {
        string dir = Directory.CreateTempSubdirectory("nodectl-fleet-").FullName;
        try
        {
            using var cloud = LocalFleetBroker.Start(dir, CaPassphrase, kdfIterations: 100_000);
            var nodes = Enumerable.Range(1, Nodes).Select(i => new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(0x2000 + i))).ToList();
            var ports = nodes.Select(n => new ProvisioningTcpPort(n)).ToList();
            string auditPath = Path.Combine(dir, "audit.jsonl");
            try
            {
                string releaseKey = Path.Combine(dir, "release.pub");
                File.WriteAllText(releaseKey, Convert.ToHexStringLower(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()) + "\n");
                var command = ProvisionCommand.Create(() => CaPassphrase, name => name switch { "FACTORY_WIFI" => "wifi secret", "NODECTL_OPERATOR" => "test-operator", _ => null });
                var (exit, stdout, stderr) = CommandRunner.Run(command,
                [
                    "provision", "--ca-dir", cloud.Pki.Root, "--broker", $"{cloud.Endpoint.Host}:{cloud.Endpoint.Port}",
                    "--wifi-ssid", "greenhouse", "--wifi-pass-env", "FACTORY_WIFI", "--release-pubkey", releaseKey,
                    "--audit-log", auditPath, "--station", "line-1",
                    "--tcp", "127.0.0.1:" + string.Join(",", ports.Select(p => p.Port)),
                ]);

                Assert.True(exit == 0, $"exit {exit}: {stderr}");
                Assert.Contains($"{Nodes} of {Nodes} devices provisioned", stdout);
            }
            finally
            {
                ports.ForEach(p => p.Dispose());
            }

            var audit = AuditVerifier.Verify(auditPath);
            Assert.True(audit.Ok, audit.Problem);
            var provisions = audit.Entries.Where(r => r.Action == "provision").ToList();
            Assert.Equal(Nodes, provisions.Count);
            Assert.All(provisions, r => Assert.Equal("ok", r.Result));
            Assert.Equal(nodes.Select(n => n.DeviceId), provisions.Select(r => r.Device));

            var identities = nodes.Select(n => ProvisionedIdentity.FromStore(n.Store)).ToList();
            try
            {
                Assert.Equal(nodes.Select(n => n.DeviceId), identities.Select(i => i.DeviceId));
                Assert.Equal(Nodes, identities.Select(i => i.Certificate.Thumbprint).Distinct().Count());
                Assert.Equal(provisions.Select(r => r.CertSerial), identities.Select(i => i.Certificate.SerialNumber));
                Assert.All(identities, i => Assert.Equal(cloud.Endpoint.FleetCa.Thumbprint, i.Broker.FleetCa.Thumbprint));

                var delivered = await RunFleetAsync(cloud, identities);

                var silent = nodes.Select(n => n.DeviceId).Where(id => !delivered.ContainsKey(id)).ToList();
                Assert.True(silent.Count == 0, $"{silent.Count} nodes delivered no telemetry, e.g. {string.Join(", ", silent.Take(5))}");
                Assert.Equal(Nodes, delivered.Count);
            }
            finally
            {
                identities.ForEach(i => i.Dispose());
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>20 virtual minutes, sampling each minute and reporting every 5; returns readings per device seen at the broker.</summary>
    private static async Task<ConcurrentDictionary<string, int>> RunFleetAsync(LocalFleetBroker cloud, IReadOnlyList<ProvisionedIdentity> identities)
    {
        var readings = new ConcurrentDictionary<string, int>();
        using var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            foreach (var reading in TelemetryBatchReader.Read(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray()))
            {
                readings.AddOrUpdate(reading.Device, 1, (_, n) => n + 1);
            }

            return Task.CompletedTask;
        };
        using var receiver = cloud.ReceiverIdentity();
        await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithFleetBroker(cloud.Endpoint, receiver)
            .WithClientId("fleet-check-" + Guid.NewGuid().ToString("N")[..8])
            .Build());
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("nodes/+/telemetry", MqttQualityOfServiceLevel.AtLeastOnce).Build());

        var config = new DeviceConfig { SampleIntervalSeconds = 60, ReportIntervalSeconds = 300 };
        var profile = BoardCatalog.Default().Load("firebeetle-esp32").ToPowerProfile();
        long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 86_400_000; // readings stay in the past
        await using (var fleet = new VirtualFleet(start))
        {
            var random = new Random(8);
            for (int i = 0; i < identities.Count; i++)
            {
                fleet.Add(identities[i].NodeOptions(profile, config, seed: i + 1), firstWakeDelayMillis: random.Next(60_000));
            }

            await fleet.RunUntilAsync(start + 20 * 60_000);
        }

        // QoS 1 deliveries may still be in flight: wait until nothing new arrives for a moment.
        for (int last = -1, now = readings.Values.Sum(); last != now; last = now, now = readings.Values.Sum())
        {
            await Task.Delay(300);
        }

        await client.DisconnectAsync();
        return readings;
    }
}
