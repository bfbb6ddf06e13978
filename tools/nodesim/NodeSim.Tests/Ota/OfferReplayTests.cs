using NodeFirmware.Core.Config;
using NodeFirmware.Core.Ota;
using NodeFirmware.Receiver.Ota;
using NodeSim.Fleet;
using NodeSim.Node;
using NodeSim.Tests.Support;
using Xunit.Abstractions;

namespace NodeSim.Tests.Ota;

/// <summary>
/// Issue 17's replay, on virtual nodes behind a real Mosquitto with mutual TLS and the broker's ACL: the receiver's
/// campaign engine takes the fleet 1.0.0 → 1.1.0 → back to 1.0.0 (a downgrade with a nodectl-signed authorization)
/// → 1.2.0 (a higher security version). Every offer it published is recorded off the wire; replayed byte for byte as
/// retained offers, in forward and reverse order, with power cuts between, they leave every node on 1.2.0.
/// </summary>
public class OfferReplayTests(ITestOutputHelper output)
{
    private const int Nodes = 3;
    private const long Minute = 60_000;

    /// <summary>Publishes through the receiver's link and keeps a copy of every non-empty offer.</summary>
    private sealed class RecordingLink(ICampaignPublisher inner) : ICampaignPublisher
    {
        public List<(string Topic, byte[] Payload)> Offers { get; } = new();

        public Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken ct = default)
        {
            if (topic.EndsWith("/ota/offer") && payload.Length > 0) lock (Offers) Offers.Add((topic, payload));
            return inner.PublishAsync(topic, payload, retain, ct);
        }
    }

    [Fact]
    public async Task Recorded_offers_replayed_in_any_order_across_power_cuts_leave_every_node_on_its_version()
    {
        using var dir = new TempDirectory();
        using var cloud = LocalFleetBroker.Start(dir.Path, "replay fleet passphrase", kdfIterations: 100_000);
        using var firmware = new TestFirmware();
        byte[] v100 = firmware.Package("1.0.0", svn: 1), v110 = firmware.Package("1.1.0", svn: 1), v120 = firmware.Package("1.2.0", svn: 2);

        long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 24 * 3600_000L;
        await using var fleet = new VirtualFleet(start);
        var config = new DeviceConfig { SampleIntervalSeconds = 60, ReportIntervalSeconds = 120 };
        for (int i = 0; i < Nodes; i++)
        {
            string id = $"esp32-00000d0e{i:x4}";
            fleet.Add(new VirtualNodeOptions
            {
                DeviceId = id, Certificate = cloud.IssueDevice(id), Broker = cloud.Endpoint, PowerProfile = TestProfiles.FireBeetle(),
                Defaults = config, Seed = i + 1, Ota = firmware.Ota(v100), ListenRealTimeShare = 0.02,
            }, firstWakeDelayMillis: i * 10_000);
        }
        var ids = fleet.Nodes.Select(n => n.DeviceId).ToList();

        var log = new TestOutputLogger(output, Microsoft.Extensions.Logging.LogLevel.Warning);
        await using var link = new MqttCampaignLink(log);
        var wire = new RecordingLink(link);
        var engine = new CampaignEngine(new InMemoryCampaignStore(), wire, new FleetTimeProvider(fleet.Clock), log: log)
        {
            RepeatOfferAfter = TimeSpan.FromMinutes(4),
            ReleasePublicKey = firmware.PublicKey,
        };
        await link.ConnectAsync(cloud.Broker.Host, cloud.Broker.Port, cloud.Endpoint.FleetCa, cloud.ReceiverIdentity(), "receiver-replay-test", engine);
        await fleet.RunUntilAsync(start + Minute);

        async Task UpdateAsync(byte[] package, string version, byte[]? authorization = null)
        {
            var c = await engine.CreateAsync(new CampaignRequest
            {
                Package = package, Cohort = new CohortFilter(Board: TestFirmware.Board), CanaryPercent = 100, SuccessThreshold = 1,
                Window = TimeSpan.FromMinutes(30), DowngradeAuthorization = authorization,
            }, fleet.Nodes.Select(n => new CohortDevice(n.DeviceId, TestFirmware.Board, n.FirmwareVersion, [])));
            for (int minute = 0; minute < 40 && (await engine.GetAsync(c.Id))!.State != CampaignState.Completed; minute++)
            {
                await fleet.RunUntilAsync(fleet.Clock.NowMillis + Minute);
                await SettleAsync(link);
                await engine.TickAsync();
            }
            var done = (await engine.GetAsync(c.Id))!;
            Assert.True(done.State == CampaignState.Completed, $"{version}: {done.State} {done.StateReason} " +
                string.Join("; ", done.Devices.Values.Select(d => $"{d.DeviceId} {d.State} {d.Reason}")));
            await fleet.RunUntilAsync(fleet.Clock.NowMillis + 2 * Minute);
            Assert.All(fleet.Nodes, n => Assert.Equal((version, false), (n.FirmwareVersion, n.Trial)));
        }

        await UpdateAsync(v110, "1.1.0");
        // Without an authorization the engine would still offer 1.0.0, and every node would refuse it (not-newer);
        // with one, signed by nodectl for these three devices, the fleet goes back.
        await UpdateAsync(v100, "1.0.0", firmware.AuthorizeDowngrade(v100, ids, counter: 1));
        await UpdateAsync(v120, "1.2.0");

        var recorded = wire.Offers.ToList();
        Assert.Contains(recorded, o => OtaMessages.DecodeOffer(o.Payload).Authorization != null);
        output.WriteLine($"{recorded.Count} offers recorded");

        // The attacker replays every recorded offer, as retained messages, first in order, then in reverse, cutting
        // the power of every node between the rounds.
        foreach (var round in new[] { recorded, Enumerable.Reverse(recorded).ToList() })
        {
            foreach (var (topic, payload) in round)
            {
                await link.PublishAsync(topic, payload, retain: true);
                await fleet.RunUntilAsync(fleet.Clock.NowMillis + 3 * Minute);
                Assert.All(fleet.Nodes, n => Assert.Equal(("1.2.0", false), (n.FirmwareVersion, n.Trial)));
                Assert.All(fleet.Nodes, n => Assert.False(n.OtaClient!.Downloading));
            }
            foreach (var node in fleet.Nodes) await node.PowerLossAsync();
            await fleet.RunUntilAsync(fleet.Clock.NowMillis + 3 * Minute);
        }
        foreach (var n in fleet.Nodes)
        {
            Assert.Equal(("1.2.0", false, false), (n.FirmwareVersion, n.Trial, n.Bricked));
            var cursor = n.OtaClient!.Cursor;
            Assert.False(cursor.LastOk);
            Assert.Matches("^(below-floor|not-newer):", cursor.LastError);
            var state = new BootStateStore(new NodeFirmware.Core.Storage.FlashWindow(n.BootFlash!, 0, 2), 0).Load()!;
            Assert.Equal((2, "1.2.0", 1L), (state.SecurityFloor, state.HighestVersion, state.DowngradeCounter));
        }
    }

    [Fact]
    public async Task The_engine_refuses_a_downgrade_authorization_whose_signature_does_not_verify()
    {
        using var firmware = new TestFirmware();
        byte[] v100 = firmware.Package("1.0.0", svn: 1);
        var engine = new CampaignEngine(new InMemoryCampaignStore(), new NullPublisher(), TimeProvider.System) { ReleasePublicKey = firmware.PublicKey };
        var fleet = new[] { new CohortDevice("esp32-000000000001", TestFirmware.Board, "1.1.0", []) };
        var forged = firmware.AuthorizeDowngrade(v100, ["esp32-000000000001"], counter: 1);
        forged[^1] ^= 0x01; // the last byte of the signature
        var e = await Assert.ThrowsAsync<ArgumentException>(() => engine.CreateAsync(new CampaignRequest
        {
            Package = v100, Cohort = new CohortFilter(Board: TestFirmware.Board), DowngradeAuthorization = forged,
        }, fleet));
        Assert.Contains("not signed by the release key", e.Message);
        var genuine = firmware.AuthorizeDowngrade(v100, ["esp32-000000000001"], counter: 1);
        var c = await engine.CreateAsync(new CampaignRequest
        {
            Package = v100, Cohort = new CohortFilter(Board: TestFirmware.Board), DowngradeAuthorization = genuine, Start = false,
        }, fleet);
        Assert.True(c.IsDowngrade);
    }

    private sealed class NullPublisher : ICampaignPublisher
    {
        public Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken ct = default) => Task.CompletedTask;
    }

    private static async Task SettleAsync(MqttCampaignLink link)
    {
        await Task.Delay(50);
        for (int i = 0; i < 100 && link.Backlog > 0; i++) await Task.Delay(20);
    }
}
