using System.Net.Http.Json;
using System.Text.Json;
using NodeFirmware.Core.Config;
using NodeFirmware.Core.Hal;
using NodeFirmware.Receiver.Decoding;
using NodeSim.Fleet;
using NodeSim.Node;
using NodeSim.Tests.Support;
using Xunit.Abstractions;

namespace NodeSim.Tests.Fleet;

/// <summary>
/// A virtual node powered on, then browned out, while its network is down for longer than its deep sleeps: its first
/// connection, after the outage, still says "online" with the brown-out (the birth is owed in its journal, not in RAM),
/// and the receiver (its own process, SQLite) stores that status with the reset counted, once.
/// </summary>
public sealed class BirthAfterOutageTests(ITestOutputHelper output)
{
    private const string Device = "esp32-0000b1b7a000";
    private const long Minute = 60_000;

    [Fact]
    public async Task A_brownout_during_an_outage_reaches_the_receiver_in_the_birth_at_the_first_connection()
    {
        using var dir = new TempDirectory();
        using var cloud = LocalFleetBroker.Start(dir.Path, "birth passphrase", kdfIterations: 100_000);
        using var receiver = await FleetReceiver.StartAsync(cloud, Path.Combine(dir.Path, "receiver.db"));
        long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / Minute * Minute - 5 * 60 * Minute;
        var statuses = new List<DeviceStatus>();
        var config = new DeviceConfig { SampleIntervalSeconds = 300, ReportIntervalSeconds = 900 };
        await using var fleet = new VirtualFleet(start);
        var node = fleet.Add(new VirtualNodeOptions
        {
            DeviceId = Device, Certificate = cloud.IssueDevice(Device), Broker = cloud.Endpoint, PowerProfile = TestProfiles.FireBeetle(),
            Defaults = config, Seed = 3, ListenRealTimeShare = 0.02,
            Acknowledged = m =>
            {
                if (m.Topic == $"nodes/{Device}/status" && StatusDecoder.Decode(m.Payload) is { Firmware: not null } s)
                    lock (statuses) statuses.Add(s);
            },
        });
        node.Network.ScheduleOutage(start, TimeSpan.FromMinutes(100));

        await fleet.RunUntilAsync(start + 30 * Minute);
        await node.ResetAsync(WakeCause.Brownout);
        await fleet.RunUntilAsync(start + 100 * Minute);
        int bootsInOutage = node.Boots;
        Assert.True(bootsInOutage > 4, $"{bootsInOutage} boots: the node should have deep-slept through the outage");
        Assert.True(node.ConnectFailures > 0, "the node never met its outage");
        Assert.Empty(statuses);

        await fleet.RunUntilAsync(start + 4 * 60 * Minute);
        output.WriteLine($"{node.Boots} boots, {node.ConnectFailures} failed connections; statuses: {string.Join(" ", statuses.Select(s => s.State + "/" + s.Wake))}");
        Assert.True(statuses.Count > 3, "the node reported after the outage");
        Assert.Equal(("online", "brownout"), (statuses[0].State, statuses[0].Wake));
        Assert.Single(statuses, s => s.State == "online");
        Assert.All(statuses.Skip(1), s => Assert.Equal(("sleeping", StatusDecoder.TimerWake), (s.State, s.Wake)));

        using var http = receiver.Client(await receiver.CreateTokenAsync("viewer", "birth-check"));
        var samples = await StoredAsync(http, statuses.Count);
        var first = samples[0];
        Assert.Equal("online", first.GetProperty("state").GetString());
        Assert.Equal((2L, 1L, 0L, 0L), (first.GetProperty("boots").GetInt64(), first.GetProperty("brownouts").GetInt64(),
            first.GetProperty("watchdogs").GetInt64(), first.GetProperty("panics").GetInt64()));
        Assert.Single(samples, s => s.GetProperty("state").GetString() == "online");
    }

    private static async Task<List<JsonElement>> StoredAsync(HttpClient http, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var vitals = await http.GetFromJsonAsync<JsonElement>($"/api/devices/{Device}/vitals");
            var samples = vitals.GetProperty("samples").EnumerateArray().ToList();
            if (samples.Count >= count) return samples;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the receiver stored {samples.Count} of {count} statuses in 30 s: {vitals}");
            await Task.Delay(200);
        }
    }
}
