using System.Diagnostics;
using NodeFirmware.Core.Config;
using NodeSim.Fleet;
using NodeSim.Node;
using NodeSim.Tests.Support;
using Xunit.Abstractions;

namespace NodeSim.Tests.Fleet;

/// <summary>
/// Virtual nodes against a real Mosquitto with mutual TLS: every reading a node sampled reaches the broker,
/// judged by idempotency keys, across a six-hour outage per node; nothing is released unacknowledged.
/// </summary>
public class FleetDeliveryTests(ITestOutputHelper output)
{
    private const long Day = 24 * 3600_000L;

    [Fact]
    public Task Ten_nodes_one_day_with_outages_and_lost_acknowledgements() =>
        RunFleet(nodes: 10, days: 1, ackLoss: 0.02, config: new DeviceConfig());

    [Fact]
    [Trait("Category", "Fleet")]
    public Task A_hundred_nodes_seven_days_with_a_six_hour_outage_each() =>
        RunFleet(nodes: 100, days: 7, ackLoss: 0.0, config: new DeviceConfig { SampleIntervalSeconds = 300, ReportIntervalSeconds = 3600 });

    private async Task RunFleet(int nodes, int days, double ackLoss, DeviceConfig config)
    {
        using var dir = new TempDirectory();
        using var cloud = LocalFleetBroker.Start(dir.Path, "fleet test passphrase", kdfIterations: 100_000);
        await using var collector = await TelemetryCollector.StartAsync(cloud.Endpoint, cloud.ReceiverIdentity());
        long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (days + 1) * Day; // readings stay in the past
        await using var fleet = new VirtualFleet(start);
        var profile = TestProfiles.FireBeetle();
        var random = new Random(42);
        for (int i = 0; i < nodes; i++)
        {
            string id = $"esp32-0000000a{i:x4}";
            var node = fleet.Add(new VirtualNodeOptions
            {
                DeviceId = id, Certificate = cloud.IssueDevice(id), Broker = cloud.Endpoint,
                PowerProfile = profile, Defaults = config, Seed = i + 1,
            }, firstWakeDelayMillis: random.Next(config.SampleIntervalSeconds * 1000));
            node.Network.AckLossRate = ackLoss;
            node.Network.ScheduleOutage(start + (long)(random.NextDouble() * (days * Day - 8 * 3600_000L)) + 3600_000L, TimeSpan.FromHours(6));
        }

        var watch = Stopwatch.StartNew();
        await fleet.RunUntilAsync(start + days * Day);
        await collector.SettleAsync();
        output.WriteLine($"{nodes} nodes x {days} days: {watch.Elapsed.TotalSeconds:F1} s real, {collector.Messages} batches, {collector.Redelivered} redelivered");

        foreach (var node in fleet.Nodes)
        {
            var j = node.Journal;
            var received = collector.Received(node.DeviceId);
            Assert.Equal(0u, j.Dropped);
            Assert.True(j.Sampled >= (ulong)(days * 86400 / config.SampleIntervalSeconds) - 2, $"{node.DeviceId} sampled only {j.Sampled}");
            Assert.All(received, k => Assert.True(k.Epoch == j.Epoch && k.Seq >= 1 && k.Seq <= j.Sampled, $"{node.DeviceId} sent {k} it never sampled"));
            for (uint seq = 1; seq <= j.ReleasedThrough; seq++)
                Assert.True(received.Contains((j.Epoch, seq)), $"{node.DeviceId} released reading {seq} that never reached the broker");
            Assert.True(j.Sampled - j.ReleasedThrough == (uint)j.Pending, $"{node.DeviceId}: what is not released must still be pending");
            Assert.True(j.Pending <= config.ReportIntervalSeconds / config.SampleIntervalSeconds + 1, $"{node.DeviceId} still holds {j.Pending} readings at the end");
            Assert.True(node.ConnectFailures > 0, $"{node.DeviceId} never met its outage");
        }
    }
}
