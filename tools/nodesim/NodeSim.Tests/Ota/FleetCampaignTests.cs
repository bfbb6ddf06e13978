using System.Diagnostics;
using NodeFirmware.Core.Config;
using NodeFirmware.Receiver.Ota;
using NodeSim.Fleet;
using NodeSim.Node;
using NodeSim.Ota;
using NodeSim.Tests.Support;
using Xunit.Abstractions;

namespace NodeSim.Tests.Ota;

/// <summary>
/// Issue 5's fleet scenario against a real Mosquitto with mutual TLS and the broker's ACL: the receiver's campaign
/// engine, under the receiver's identity, updates 50 virtual nodes from their factory v1 to v2; then a v3 whose image
/// fails its health check (never reads its sensor, or crashes at start) is rolled back by the Loader on every canary
/// node within its trial boots, and the campaign halts itself after the canary without offering v3 to anyone else.
/// </summary>
public class FleetCampaignTests(ITestOutputHelper output)
{
    private const int Nodes = 50;
    private const long Minute = 60_000;

    [Theory]
    [InlineData(AppBehaviour.NoSensor)]
    [InlineData(AppBehaviour.Crash)]
    public async Task Fifty_nodes_take_v2_then_a_v3_failing_its_health_check_rolls_back_and_halts_the_campaign_after_the_canary(AppBehaviour v3Behaviour)
    {
        var watch = Stopwatch.StartNew();
        using var dir = new TempDirectory();
        using var cloud = LocalFleetBroker.Start(dir.Path, "campaign fleet passphrase", kdfIterations: 100_000);
        using var firmware = new TestFirmware();
        byte[] v1 = firmware.Package("1.0.0"), v2 = firmware.Package("2.0.0"), v3 = firmware.Package("3.0.0", v3Behaviour);

        long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 24 * 3600_000L;
        await using var fleet = NewFleet(cloud, firmware, v1, start, Nodes, "0b0c");
        var log = new TestOutputLogger(output, Microsoft.Extensions.Logging.LogLevel.Information);
        await using var link = new MqttCampaignLink(log);
        var engine = await ConnectEngineAsync(cloud, firmware, fleet, link, log);
        await fleet.RunUntilAsync(start + Minute);
        Assert.All(fleet.Nodes, n => Assert.Equal("1.0.0", n.FirmwareVersion));

        // v1 → v2, healthy.
        var toV2 = await engine.CreateAsync(Request(v2, "1.0.0"), Cohort(fleet));
        Assert.Equal(CampaignState.Canary, toV2.State);
        Assert.Equal(5, toV2.InWave(CampaignEngine.CanaryWave).Count());
        var done2 = await RunUntilAsync(fleet, engine, link, toV2.Id, c => c.State == CampaignState.Completed, limitMinutes: 40);
        output.WriteLine($"v2: {done2.State} at +{(fleet.Clock.NowMillis - start) / Minute} min, {watch.Elapsed.TotalSeconds:F1} s real");
        Assert.Equal(CampaignState.Completed, done2.State);
        Assert.All(done2.Devices.Values, d => Assert.Equal(DeviceOtaState.Succeeded, d.State));
        // The confirmed image boots as the valid one from now on (Trial describes the last boot's choice).
        await fleet.RunUntilAsync(fleet.Clock.NowMillis + 2 * Minute);
        Assert.All(fleet.Nodes, n => Assert.Equal(("2.0.0", false), (n.FirmwareVersion, n.Trial)));

        // v2 → v3, whose image never reads its sensor: it never confirms, the Loader reverts it.
        var toV3 = await engine.CreateAsync(Request(v3, "2.0.0"), Cohort(fleet));
        var canary = toV3.InWave(CampaignEngine.CanaryWave).Select(d => d.DeviceId).ToHashSet();
        var trialBoot = new Dictionary<string, int>();
        var backBoot = new Dictionary<string, int>();
        var done3 = await RunUntilAsync(fleet, engine, link, toV3.Id,
            c => c.State == CampaignState.Halted && c.InWave(CampaignEngine.CanaryWave).All(d => d.State.IsFinished()), limitMinutes: 40,
            observe: () =>
            {
                foreach (var n in fleet.Nodes)
                {
                    if (n.FirmwareVersion == "3.0.0") trialBoot.TryAdd(n.DeviceId, n.Boots);
                    else if (trialBoot.ContainsKey(n.DeviceId)) backBoot.TryAdd(n.DeviceId, n.Boots);
                }
            });
        // Some more virtual time: nothing else may be offered v3.
        await fleet.RunUntilAsync(fleet.Clock.NowMillis + 5 * Minute);
        await SettleAsync(link);
        await engine.TickAsync();
        done3 = (await engine.GetAsync(toV3.Id))!;
        output.WriteLine($"v3: {done3.State} ({done3.StateReason}) at +{(fleet.Clock.NowMillis - start) / Minute} min, {watch.Elapsed.TotalSeconds:F1} s real; " +
                         string.Join(", ", trialBoot.Select(kv => $"{kv.Key}: trial from boot {kv.Value}, back at {backBoot.GetValueOrDefault(kv.Key)}")));

        Assert.Equal(CampaignState.Halted, done3.State);
        Assert.StartsWith("canary:", done3.StateReason);
        Assert.All(done3.InWave(CampaignEngine.CanaryWave), d => Assert.Equal(DeviceOtaState.RolledBack, d.State));
        Assert.All(done3.InWave(CampaignEngine.RestWave), d => Assert.Equal((DeviceOtaState.Waiting, (DateTimeOffset?)null), (d.State, d.OfferedAt)));
        foreach (var n in fleet.Nodes)
        {
            Assert.Equal(("2.0.0", false, false), (n.FirmwareVersion, n.Trial, n.Bricked));
            if (!canary.Contains(n.DeviceId))
                Assert.NotEqual(toV3.Id, n.OtaClient?.Cursor.LastCampaignId ?? "");
        }
        if (v3Behaviour == AppBehaviour.Crash)
        {
            // A crashing image restarts at once: its trial boots all fall between two observations; the Loader counts them.
            Assert.All(fleet.Nodes, n => Assert.InRange(n.CrashedBoots, canary.Contains(n.DeviceId) ? 1 : 0, canary.Contains(n.DeviceId) ? 3 : 0));
        }
        else
        {
            Assert.Equal(canary.OrderBy(x => x), trialBoot.Keys.OrderBy(x => x));
            // The Loader gives a trial image TrialAttempts (3) boots; observed between fleet steps, one wake of slack.
            Assert.All(trialBoot, kv => Assert.InRange(backBoot[kv.Key] - kv.Value, 1, 3 + 1));
        }
    }

    /// <summary>
    /// Issue 14: a 1.0.0 → 1.1.0 campaign over 8 nodes, 3 of them with their sensor unplugged, so 1.1.0 never confirms itself
    /// there and the Loader takes them back; the failures halt the campaign. With rollback configured (1.0.0 and its
    /// release-signed authorization) the 5 nodes that updated are offered 1.0.0 and install it through the real offer, signature,
    /// authorization and trial path; without it they stay on 1.1.0 and nothing else is offered. The receiver restarts (a new
    /// engine over the same SQLite database and MQTT session) right after the halt: the rollback is neither lost nor made twice.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_campaign_halted_by_failures_takes_its_updated_nodes_back_to_the_previous_version_only_when_it_has_rollback(bool withRollback)
    {
        const int nodes = 8, unplugged = 3;
        using var dir = new TempDirectory();
        using var cloud = LocalFleetBroker.Start(dir.Path, "rollback fleet passphrase", kdfIterations: 100_000);
        using var firmware = new TestFirmware();
        byte[] v1 = firmware.Package("1.0.0"), v11 = firmware.Package("1.1.0");
        long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 24 * 3600_000L;
        await using var fleet = NewFleet(cloud, firmware, v1, start, nodes, withRollback ? "0b0d" : "0b0e");
        for (int i = 0; i < unplugged; i++) fleet.Nodes[i].SensorConnected = false;
        var log = new TestOutputLogger(output, Microsoft.Extensions.Logging.LogLevel.Information);
        await using var store = new SqliteCampaignStore(Path.Combine(dir.Path, "campaigns.db"));
        await store.MigrateAsync();
        var link = new MqttCampaignLink(log);
        try
        {
            var engine = await ConnectEngineAsync(cloud, firmware, fleet, link, log, store);
            await fleet.RunUntilAsync(start + Minute);

            var ids = fleet.Nodes.Select(n => n.DeviceId).ToArray();
            var request = Request(v11, "1.0.0") with
            {
                CanaryPercent = 100, SuccessThreshold = 0.9, // 8 devices: no failure allowed
                Rollback = withRollback ? new CampaignRollbackRequest(Package: v1, DowngradeAuthorization: firmware.AuthorizeDowngrade(v1, ids, counter: 1)) : null,
            };
            var campaign = await engine.CreateAsync(request, Cohort(fleet));
            string rollbackId = RollbackPlan.CampaignId(campaign.Id);
            await RunUntilAsync(fleet, engine, link, campaign.Id, c => c.State == CampaignState.Halted, limitMinutes: 60);
            // The receiver restarts as the halt takes effect: a new engine over the same database and MQTT session.
            await link.DisposeAsync();
            link = new MqttCampaignLink(log);
            engine = await ConnectEngineAsync(cloud, firmware, fleet, link, log, store);
            var halted = await RunUntilAsync(fleet, engine, link, campaign.Id, c => c.State == CampaignState.Halted && c.Devices.Values.All(d => d.State.IsFinished()),
                limitMinutes: 60);
            Assert.Equal(CampaignState.Halted, halted.State);
            Assert.StartsWith("canary:", halted.StateReason);
            var updated = halted.Devices.Values.Where(d => d.State == DeviceOtaState.Succeeded).Select(d => d.DeviceId).Order().ToList();
            Assert.Equal(ids.Skip(unplugged).Order(), updated);
            Assert.All(ids.Take(unplugged), id => Assert.Equal(DeviceOtaState.RolledBack, halted.Devices[id].State));

            if (withRollback)
            {
                var rollback = await RunUntilAsync(fleet, engine, link, rollbackId, c => c.State == CampaignState.Completed, limitMinutes: 60);
                output.WriteLine($"rollback {rollback.State} at +{(fleet.Clock.NowMillis - start) / Minute} min: {string.Join(", ", rollback.Devices.Values.Select(d => $"{d.DeviceId} {d.State}"))}");
                Assert.Equal(CampaignState.Completed, rollback.State);
                Assert.Equal(updated, rollback.Devices.Keys.Order());
                Assert.All(rollback.Devices.Values, d => Assert.Equal((DeviceOtaState.Succeeded, "1.0.0"), (d.State, d.ReportedFirmware)));
                Assert.Equal(CampaignState.Completed, (await engine.GetAsync(campaign.Id))!.RollbackProgress!.State);
                Assert.Equal(2, (await engine.ListAsync()).Count);
            }
            else
            {
                await fleet.RunUntilAsync(fleet.Clock.NowMillis + 20 * Minute);
                await SettleAsync(link);
                Assert.Single(await engine.ListAsync());
                Assert.Null(await engine.GetAsync(rollbackId));
            }
            await fleet.RunUntilAsync(fleet.Clock.NowMillis + 2 * Minute); // the confirmed image is the valid one from now on
            foreach (var n in fleet.Nodes)
            {
                string expected = withRollback || !updated.Contains(n.DeviceId) ? "1.0.0" : "1.1.0";
                Assert.Equal((n.DeviceId, expected, false, false), (n.DeviceId, n.FirmwareVersion, n.Trial, n.Bricked));
            }
        }
        finally
        {
            await link.DisposeAsync();
        }
    }

    /// <summary><paramref name="nodes"/> virtual nodes that run the factory package <paramref name="factory"/>, waking within their first minute.</summary>
    private static VirtualFleet NewFleet(LocalFleetBroker cloud, TestFirmware firmware, byte[] factory, long start, int nodes, string idPart)
    {
        var fleet = new VirtualFleet(start);
        var config = new DeviceConfig { SampleIntervalSeconds = 60, ReportIntervalSeconds = 120 };
        var random = new Random(5);
        for (int i = 0; i < nodes; i++)
        {
            string id = $"esp32-0000{idPart}{i:x4}";
            fleet.Add(new VirtualNodeOptions
            {
                DeviceId = id, Certificate = cloud.IssueDevice(id), Broker = cloud.Endpoint, PowerProfile = TestProfiles.FireBeetle(),
                Defaults = config, Seed = i + 1, Ota = firmware.Ota(factory), ListenRealTimeShare = 0.02,
            }, firstWakeDelayMillis: random.Next(60_000));
        }
        return fleet;
    }

    /// <summary>The receiver's campaign engine on the fleet's clock, connected to the broker under the receiver's identity.</summary>
    private static async Task<CampaignEngine> ConnectEngineAsync(LocalFleetBroker cloud, TestFirmware firmware, VirtualFleet fleet, MqttCampaignLink link,
        Microsoft.Extensions.Logging.ILogger log, ICampaignStore? store = null)
    {
        var engine = new CampaignEngine(store ?? new InMemoryCampaignStore(), link, new FleetTimeProvider(fleet.Clock), log: log)
        {
            RepeatOfferAfter = TimeSpan.FromMinutes(4),
            ReleasePublicKey = firmware.PublicKey, // checks nodectl's signatures before offering, as the devices will
        };
        await engine.LoadAsync(); // as the receiver starts: what the store holds, then the broker (its session's queue), then the offers again
        await link.ConnectAsync(cloud.Broker.Host, cloud.Broker.Port, cloud.Endpoint.FleetCa, cloud.ReceiverIdentity(), "receiver-ota-test", engine);
        await engine.RepublishOffersAsync();
        return engine;
    }

    private static CampaignRequest Request(byte[] package, string from) => new()
    {
        Package = package,
        Cohort = new CohortFilter(Board: TestFirmware.Board, Firmware: from),
        CanaryPercent = 10,
        SuccessThreshold = 0.8,
        Window = TimeSpan.FromMinutes(30),
    };

    private static IEnumerable<CohortDevice> Cohort(VirtualFleet fleet) =>
        fleet.Nodes.Select(n => new CohortDevice(n.DeviceId, TestFirmware.Board, n.FirmwareVersion, []));

    /// <summary>Runs the fleet a virtual minute at a time until <paramref name="done"/> holds for the campaign.</summary>
    private static async Task<Campaign> RunUntilAsync(VirtualFleet fleet, CampaignEngine engine, MqttCampaignLink link, string id,
        Func<Campaign, bool> done, int limitMinutes, Action? observe = null)
    {
        for (int minute = 0; minute < limitMinutes; minute++)
        {
            await fleet.RunUntilAsync(fleet.Clock.NowMillis + Minute);
            await SettleAsync(link);
            await engine.TickAsync();
            observe?.Invoke();
            var c = (await engine.GetAsync(id))!;
            if (done(c)) return c;
        }
        return (await engine.GetAsync(id))!;
    }

    /// <summary>Lets the engine handle what the devices published before time moves on.</summary>
    private static async Task SettleAsync(MqttCampaignLink link)
    {
        await Task.Delay(50);
        for (int i = 0; i < 100 && link.Backlog > 0; i++) await Task.Delay(20);
    }
}
