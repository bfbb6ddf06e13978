using System.Net.Http.Json;
using System.Text.Json;
using NodeFirmware.Core.Config;
using NodeFirmware.Receiver.Tests.Support;
using NodeFirmware.Receiver.Tests.Web;
using NodeSim.Fleet;
using NodeSim.Node;
using NodeSim.Tests.Support;
using Xunit.Abstractions;
using TempDirectory = NodeSim.Tests.Support.TempDirectory;

namespace NodeSim.Tests.Page;

/// <summary>
/// Vitals end to end: a virtual node running NodeFirmware.Core reports to Mosquitto with mutual TLS, the receiver (its
/// own process, SQLite) stores its statuses, and the device page in headless Chromium shows them: the wake-to-PUBACK
/// phases the node measured on this host (TLS and MQTT connect against the real broker), its battery and the drain
/// panel, the counters, its firmware versions (reflashed from 1.4.0 to 1.5.0 on the same flash) and the reset that
/// reflash was, and its journal backlog: the node's network is down for the 50 minutes before the reflash, so the
/// readings of those reports wait in its journal, and the 1.5.0 image's birth status ("online", sent on its first
/// connection after the power-on) reports them. Every number on the page is checked against the receiver's API, and the
/// phases and the backlog against what the node reported.
/// </summary>
public sealed class DevicePageVitalsTests(ITestOutputHelper output)
{
    private const string Device = "esp32-0000a17a1500";
    private const long Minute = 60_000;
    private const long Hour = 60 * Minute;

    [ChromiumFact]
    public async Task The_device_page_shows_the_virtual_nodes_phases_battery_firmware_history_and_reset()
    {
        using var dir = new TempDirectory();
        using var profile = new NodeFirmware.Receiver.Tests.Support.TempDirectory("nodesim-page");
        using var cloud = LocalFleetBroker.Start(dir.Path, "device page passphrase", kdfIterations: 100_000);
        string db = Path.Combine(dir.Path, "receiver.db");
        using var receiver = await FleetReceiver.StartAsync(cloud, db);
        var certificate = cloud.IssueDevice(Device);
        // On whole hours, so that each hour's first report carries the measured vitals (Core's VitalsCadence).
        long start = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 6 * Hour) / Hour * Hour;
        // The outage leaves a back-off of up to an hour: the 1.5.0 image deep-sleeps through it and still says "online"
        // (with the power-on) at its first connection, as the birth is owed in the journal.
        var config = new DeviceConfig { SampleIntervalSeconds = 300, ReportIntervalSeconds = 900 };
        // The journal backlog each status the broker took carried, as the node encoded it.
        var reportedBacklog = new List<long>();
        var reported = new List<NodeFirmware.Receiver.Decoding.DeviceStatus>();
        void Reported(NodeFirmware.Core.Link.OutboundMessage m)
        {
            if (m.Topic == $"nodes/{Device}/status" && NodeFirmware.Receiver.Decoding.StatusDecoder.Decode(m.Payload) is { Firmware: not null } s)
                lock (reportedBacklog) { reportedBacklog.Add(s.Pending!.Value); reported.Add(s); }
        }
        VirtualNodeOptions Node(string firmware, NodeFirmware.Core.Hal.IFlash? storage) => new()
        {
            DeviceId = Device, Certificate = certificate, Broker = cloud.Endpoint, PowerProfile = TestProfiles.FireBeetle(), Defaults = config,
            FirmwareVersion = firmware, Storage = storage, Seed = 7, ListenRealTimeShare = 0.02, Acknowledged = Reported,
        };

        var measured = new List<(int Tls, int Mqtt)>();
        VirtualNode first;
        await using (var fleet = new VirtualFleet(start))
        {
            first = fleet.Add(Node("1.4.0", null));
            first.Network.ScheduleOutage(start + 2 * Hour - 50 * Minute, TimeSpan.FromMinutes(50));
            await RunAsync(fleet, first, 2 * Hour, measured);
        }
        Assert.True(first.Journal.Pending > 0, "the outage left no reading in the journal");
        // Reflashed with 1.5.0 (two minutes) and powered on again: the same flash, so the journal's counters go on (one more boot).
        await using (var fleet = new VirtualFleet(start + 2 * Hour + 2 * Minute))
        {
            var second = fleet.Add(Node("1.5.0", first.Flash));
            await RunAsync(fleet, second, 2 * Hour, measured);
        }
        Assert.All(measured, m => Assert.True(m.Tls > 0 && m.Mqtt > 0, $"the node measured TLS {m.Tls} ms, MQTT connect {m.Mqtt} ms"));
        var firstOf150 = reported.First(s => s.Firmware == "1.5.0");
        Assert.Equal(("online", "power-on"), (firstOf150.State, firstOf150.Wake));

        using var http = receiver.Client(await receiver.CreateTokenAsync("viewer", "api-check"));
        var vitals = await WaitForAsync(http, v => v.GetProperty("samples").GetArrayLength() >= reportedBacklog.Count && v.GetProperty("samples").EnumerateArray().Any(s =>
            s.GetProperty("firmware").GetString() == "1.5.0" && s.GetProperty("wakeToPublish").ValueKind == JsonValueKind.Object));
        var samples = vitals.GetProperty("samples").EnumerateArray().ToList();
        // The receiver stored each status's backlog as the node reported it, those of its outage included.
        Assert.Equal(reportedBacklog, samples.Select(s => s.GetProperty("pending").GetInt64()));
        long peak = reportedBacklog.Max();
        Assert.True(peak > 0, $"the node reported backlogs {string.Join(" ", reportedBacklog)}");
        var wakes = samples.Where(s => s.GetProperty("wakeToPublish").ValueKind == JsonValueKind.Object).Select(s => s.GetProperty("wakeToPublish")).ToList();
        output.WriteLine($"{samples.Count} statuses stored, {wakes.Count} with phases; the node measured (TLS, MQTT) {string.Join(" ", measured)}; backlogs {string.Join(" ", reportedBacklog)}");
        // What the status carried is what the node measured on this host, not the power profile's handshake time.
        foreach (var w in wakes)
            Assert.Contains((w.GetProperty("tlsHandshakeMs").GetInt32(), w.GetProperty("mqttConnectMs").GetInt32()), measured);
        var latest = wakes[^1];

        await using var page = await ChromiumPage.OpenAsync(receiver.PageWithToken(await receiver.CreateTokenAsync("viewer")), profile);
        await page.WaitForAsync("document.querySelectorAll('#phases-box:not([hidden]) figure .uplot').length >= 5", "the phase charts");

        // The latest wake's phases, as the table shows them, are the API's, and non-zero where the node measured them.
        var rows = await page.EvaluateAsync("Object.fromEntries([...document.querySelectorAll('#phases-latest tr')].map(r => [r.dataset.phase, r.dataset.latest]))");
        foreach (var phase in new[] { "totalMs", "wifiJoinMs", "tlsHandshakeMs", "mqttConnectMs", "publishMs" })
        {
            int shown = int.Parse(rows.GetProperty(phase).GetString()!);
            Assert.Equal(latest.GetProperty(phase).GetInt32(), shown);
            Assert.True(shown > 0, $"{phase} is {shown} ms on the page");
        }
        Assert.Equal("", rows.GetProperty("dhcpMs").GetString()); // the simulated radio does not tell DHCP apart from the join

        // Each measured phase is charted, one point per status that carried it, with y labels distinct and ascending.
        var figures = await page.EvaluateAsync(
            "[...document.querySelectorAll('#phases-box figure, #battery-box figure, #backlog-box figure')].map(f => ({ name: f.dataset.phase || f.dataset.vitals, points: Number(f.dataset.points), ticks: f.dataset.yTicks }))");
        foreach (var f in figures.EnumerateArray())
        {
            string name = f.GetProperty("name").GetString()!;
            if (name == "dhcpMs") { Assert.Equal(0, f.GetProperty("points").GetInt32()); continue; }
            int expected = name == "battery" ? samples.Count(s => s.GetProperty("batteryMv").ValueKind == JsonValueKind.Number)
                : name == "backlog" ? reportedBacklog.Count
                : wakes.Count(w => w.GetProperty(name).ValueKind == JsonValueKind.Number);
            Assert.Equal(expected, f.GetProperty("points").GetInt32());
            var ticks = AxisLabels.AssertDistinctAndOrdered(f.GetProperty("ticks").GetString()!.Split('|'), name switch { "battery" => "V", "backlog" => "readings", _ => "ms" }, name);
            // A count: from 0 up to at least the peak, in whole readings.
            if (name == "backlog") Assert.True(ticks[0] == 0 && ticks[^1] >= peak && ticks.All(t => t == Math.Floor(t)), string.Join(" ", ticks));
        }
        Assert.Contains(figures.EnumerateArray(), f => f.GetProperty("name").GetString() == "backlog");

        // The backlog panel: the node's last report and its peak, as the history answers them.
        string backlog = await page.TextAsync("#backlog-facts");
        Assert.Contains($"Now{reportedBacklog[^1]} reading", backlog);
        Assert.Contains($"Peak{peak} readings (", backlog);
        var history = await http.GetFromJsonAsync<JsonElement>($"/api/devices/{Device}/history");
        Assert.Equal((reportedBacklog[^1], peak, reportedBacklog.Count),
            (history.GetProperty("backlog").GetProperty("latest").GetInt64(), history.GetProperty("backlog").GetProperty("peak").GetInt64(),
                history.GetProperty("backlog").GetProperty("statuses").GetInt32()));

        // Battery and drain: the last status's voltage; the drain needs six hours of statuses, which a minute of test has not got.
        string battery = await page.TextAsync("#battery-facts");
        int lastMv = samples.Last(s => s.GetProperty("batteryMv").ValueKind == JsonValueKind.Number).GetProperty("batteryMv").GetInt32();
        Assert.Contains(FormattableString.Invariant($"Now{lastMv / 1000.0:0.000} V"), battery);
        Assert.Contains("Drainnot estimated (needs 3 status samples over 6 h", battery);
        Assert.False((await page.EvaluateAsync("document.getElementById('battery-box').hidden")).GetBoolean());

        // Counters, firmware versions (newest first) and the reflash's events.
        string counters = await page.TextAsync("#vitals-facts");
        Assert.Contains($"Boots{samples[^1].GetProperty("boots").GetInt64()}", counters);
        // Reconnects, uptime and heap go in each hour's first status only, which always carries reconnects (0 included):
        // the page reads them from the newest that has them.
        var hourly = samples.Last(s => s.GetProperty("reconnects").ValueKind == JsonValueKind.Number);
        Assert.Contains($"Reconnects{hourly.GetProperty("reconnects").GetInt64()}", counters);
        var versions = await page.EvaluateAsync("[...document.querySelectorAll('#versions tr')].map(r => r.cells[0].textContent)");
        Assert.Equal(["1.5.0", "1.4.0"], versions.EnumerateArray().Select(v => v.GetString()));
        string events = await page.TextAsync("#events");
        Assert.Contains("firmware1.5.01.4.0 → 1.5.0", events);
        Assert.Contains("reset1.5.01 boot", events);
    }

    /// <summary>Runs the fleet a virtual minute at a time (the node wakes at most once in one), noting the phases each connect measured.</summary>
    private static async Task RunAsync(VirtualFleet fleet, VirtualNode node, long millis, List<(int, int)> measured)
    {
        long end = fleet.Clock.NowMillis + millis;
        for (long t = fleet.Clock.NowMillis + 60_000; t <= end; t += 60_000)
        {
            int connections = node.Connections;
            await fleet.RunUntilAsync(t);
            if (node.Connections > connections && node.LastConnectTimings is { } c) measured.Add((c.TlsHandshakeMillis, c.MqttConnectMillis));
        }
    }

    private static async Task<JsonElement> WaitForAsync(HttpClient http, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var vitals = await http.GetFromJsonAsync<JsonElement>($"/api/devices/{Device}/vitals");
            if (done(vitals)) return vitals;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the receiver did not store the node's statuses in 30 s: " + vitals);
            await Task.Delay(200);
        }
    }
}
