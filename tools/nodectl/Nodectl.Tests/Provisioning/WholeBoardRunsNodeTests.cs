using System.Buffers;
using System.Collections.Concurrent;
using MQTTnet;
using MQTTnet.Protocol;
using NodeFirmware.Core.Config;
using NodeFirmware.HostCommon.Boards;
using NodeFirmware.Nodectl.Provisioning;
using NodeFirmware.Nodectl.Tests.Partitions;
using NodeSim.Board;
using NodeSim.Fleet;
using NodeSim.Network;
using NodeSim.Telemetry;

namespace NodeFirmware.Nodectl.Tests.Provisioning;

/// <summary>
/// Issue 16: a whole simulated board provisioned by `nodectl provision` over RFC 2217 runs its node once the re-entry
/// window closed, with the identity from its own flash, against the broker its bundle names (a real Mosquitto with the
/// fleet CA's broker certificate); a reset stops that node and the next boot starts it again.
/// </summary>
public sealed class WholeBoardRunsNodeTests
{
    private const string CaPassphrase = "fleet ca passphrase for the board";

    [Fact]
    public async Task A_provisioned_board_publishes_telemetry_with_its_stored_identity_and_a_reset_restarts_its_node()
    {
        string dir = Directory.CreateTempSubdirectory("nodectl-boardnode-").FullName;
        try
        {
            using var cloud = LocalFleetBroker.Start(dir, CaPassphrase, kdfIterations: ProvisioningRig.KdfIterations);
            var nodeOptions = new BoardNodeOptions
            {
                PowerProfile = BoardCatalog.Default().Load("firebeetle-esp32").ToPowerProfile(),
                Defaults = new DeviceConfig { SampleIntervalSeconds = 60, ReportIntervalSeconds = 120 },
                TimeCompression = 120, // a report per real second
            };
            using var port = new SimulatedBoardPort(new SimulatedBoardOptions { Node = nodeOptions }).Flashed();
            var (exit, stdout, stderr) = Provision(port, cloud, dir);
            Assert.True(exit == 0, stdout + stderr);
            string id = port.RunningFirmware().DeviceId;

            var readings = new ConcurrentQueue<DecodedReading>();
            using var subscriber = await SubscribeAsync(cloud, id, readings);

            var first = await WaitForNodeAsync(port.Board, previous: null);
            Assert.Equal(id, first.Node.DeviceId);
            await WaitUntilAsync(() => readings.Count >= 3, "telemetry from the board's node");
            Assert.All(readings, r => Assert.Equal(id, r.Device));
            Assert.All(readings, r => Assert.NotEmpty(r.Channels));
            Assert.All(readings.SelectMany(r => r.Channels.Values).Where(c => c.Unit == "C"), c => Assert.InRange(c.Value, 0, 45));
            Assert.Equal(readings.Count, readings.Select(r => (r.Epoch, r.Sequence)).Distinct().Count());

            int boots = port.Board.Boots;
            Assert.True(port.Board.Rom.Restart(SimulatedBoard.SoftwareCpuReset));
            await port.Board.NodeStopped.WaitAsync(TimeSpan.FromSeconds(20));
            int ackedBeforeStop = first.Node.MessagesAcked;
            port.FirmwareAfter(boots);
            int before = readings.Count;
            var second = await WaitForNodeAsync(port.Board, previous: first);
            Assert.NotSame(first, second);
            await WaitUntilAsync(() => readings.Count >= before + 2 && second.Node.MessagesAcked > 0, "telemetry after the reset");
            Assert.All(readings, r => Assert.Equal(id, r.Device));
            Assert.Equal(ackedBeforeStop, first.Node.MessagesAcked); // the stopped node published nothing while its successor did
            await subscriber.DisconnectAsync();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (int Exit, string Out, string Err) Provision(SimulatedBoardPort port, LocalFleetBroker cloud, string dir)
    {
        string releaseKey = Path.Combine(dir, "release.pub");
        File.WriteAllText(releaseKey, Convert.ToHexStringLower(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()) + "\n");
        var command = ProvisionCommand.Create(() => CaPassphrase, name => name switch { "FACTORY_WIFI" => "wifi secret", "NODECTL_OPERATOR" => "test-operator", _ => null }, SimulatedBoardPort.Client);
        return CommandRunner.Run(command,
        [
            "provision", "--port", port.Url, "--board", SimulatedBoardPort.BoardName, "--ca-dir", cloud.Pki.Root,
            "--broker", $"{cloud.Endpoint.Host}:{cloud.Endpoint.Port}", "--wifi-ssid", "greenhouse", "--wifi-pass-env", "FACTORY_WIFI",
            "--release-pubkey", releaseKey, "--audit-log", Path.Combine(dir, "audit.jsonl"), "--station", "line-3",
        ]);
    }

    private static async Task<IMqttClient> SubscribeAsync(LocalFleetBroker cloud, string id, ConcurrentQueue<DecodedReading> readings)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            foreach (var reading in TelemetryBatchReader.Read(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray())) readings.Enqueue(reading);
            return Task.CompletedTask;
        };
        using var receiver = cloud.ReceiverIdentity();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithFleetBroker(cloud.Endpoint, receiver)
            .WithClientId("board-check-" + Guid.NewGuid().ToString("N")[..8]).Build());
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter($"nodes/{id}/telemetry", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return client;
    }

    private static async Task<BoardNode> WaitForNodeAsync(SimulatedBoard board, BoardNode? previous)
    {
        BoardNode? node = null;
        await WaitUntilAsync(() => (node = board.RunningNode) is not null && !ReferenceEquals(node, previous), "the board's node to start after the re-entry window");
        return node!;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waited 20 s for {what}");
            await Task.Delay(50);
        }
    }
}
