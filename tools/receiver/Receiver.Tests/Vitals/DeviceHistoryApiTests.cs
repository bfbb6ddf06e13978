using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NodeFirmware.Receiver.Access;
using NodeFirmware.Receiver.Decoding;
using NodeFirmware.Receiver.Ota;
using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Tests.Ota;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Vitals;

/// <summary>GET /api/devices/{id}/history over the receiver's real store and campaign engine, as a viewer.</summary>
public sealed class DeviceHistoryApiTests : IDisposable
{
    private readonly ReceiverFactory _factory = new(web => web.UseSetting("Receiver:ReleasePublicKey", OtaTestPackages.Release.PublicKeyFile()));

    public void Dispose() => _factory.Dispose();

    private static string NewId() => "esp32-" + Convert.ToHexString(Guid.NewGuid().ToByteArray()[..6]).ToLowerInvariant();

    private static StatusUpdate Status(string id, DateTimeOffset at, string firmware, long boots, long watchdogs = 0, long brownouts = 0) =>
        new(id, new DeviceStatus("online", Firmware: firmware, BatteryMillivolts: 3900, Vitals: new DeviceVitals(Boots: boots, Brownouts: brownouts, Watchdogs: watchdogs)), at);

    [Fact]
    public async Task A_viewer_reads_the_firmware_runs_resets_crashes_and_a_rollback_newest_first()
    {
        string id = NewId();
        var now = _factory.Clock.Now;
        using var admin = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/devices", new { id, board = OtaTestPackages.Board })).StatusCode);
        var batch = new WriteBatch();
        batch.Statuses.Add(Status(id, now.AddDays(-10), "1.0.0", boots: 1));
        batch.Statuses.Add(Status(id, now.AddDays(-9), "1.0.0", boots: 2));                  // a reset
        batch.Statuses.Add(Status(id, now.AddDays(-8), "1.0.0", boots: 4, watchdogs: 1));     // two boots, one of them a watchdog reset
        batch.Statuses.Add(Status(id, now.AddDays(-2), "2.0.0", boots: 5));                  // the update, its reboot
        batch.Statuses.Add(Status(id, now.AddDays(-1), "2.0.0", boots: 1));                  // a new journal epoch: one boot
        batch.Statuses.Add(Status(id, now.AddDays(-100), "0.9.0", boots: 1));                // outside the default window
        await _factory.Store.WriteAsync(batch);

        var created = await (await admin.PostAsJsonAsync("/api/campaigns", new { name = "crashing", package = OtaTestPackages.Make("1.1.0"), canaryPercent = 100 }))
            .Content.ReadFromJsonAsync<JsonElement>();
        string campaign = created.GetProperty("id").GetString()!;
        var engine = _factory.Services.GetRequiredService<CampaignEngine>();
        await engine.Result(id, campaign, false, "1.0.0", "rolled-back: the new image did not confirm itself");

        using var viewer = _factory.ClientAs(Roles.Viewer);
        var response = await viewer.GetAsync($"/api/devices/{id}/history");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(5, body.GetProperty("samplesRead").GetInt32());
        var runs = body.GetProperty("firmware").EnumerateArray().Select(r => (r.GetProperty("version").GetString(), r.GetProperty("since").GetInt64(), r.GetProperty("samples").GetInt32())).ToList();
        Assert.Equal([("2.0.0", now.AddDays(-2).ToUnixTimeSeconds(), 2), ("1.0.0", now.AddDays(-10).ToUnixTimeSeconds(), 3)], runs);

        var events = body.GetProperty("events").EnumerateArray().Select(e => (e.GetProperty("kind").GetString(), e.GetProperty("detail").GetString())).ToList();
        Assert.Equal([
            ("rollback", "1.1.0 (crashing), runs 1.0.0: rolled-back: the new image did not confirm itself"),
            ("reset", "1 boot (new journal epoch)"),
            ("firmware", "1.0.0 → 2.0.0"),
            ("reset", "1 boot"),
            ("crash", "2 boots: 1 watchdog"),
            ("reset", "1 boot"),
        ], events);
        var crash = body.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "crash");
        Assert.Equal((2, 1, 0), (crash.GetProperty("boots").GetInt64(), crash.GetProperty("watchdogs").GetInt64(), crash.GetProperty("brownouts").GetInt64()));
        var ota = body.GetProperty("ota").EnumerateArray().Single();
        Assert.Equal(("rolledback", "1.0.0", campaign), (ota.GetProperty("state").GetString(), ota.GetProperty("reportedFirmware").GetString(), ota.GetProperty("campaignId").GetString()));

        // limit and window: the newest two events only; a window that ends before the update has one run.
        var two = await viewer.GetFromJsonAsync<JsonElement>($"/api/devices/{id}/history?limit=2");
        Assert.Equal(2, two.GetProperty("events").GetArrayLength());
        var early = await viewer.GetFromJsonAsync<JsonElement>($"/api/devices/{id}/history?to={now.AddDays(-5).ToUnixTimeSeconds()}");
        Assert.Equal("1.0.0", early.GetProperty("firmware").EnumerateArray().Single().GetProperty("version").GetString());
        Assert.DoesNotContain(early.GetProperty("events").EnumerateArray(), e => e.GetProperty("kind").GetString() == "rollback");
    }

    [Fact]
    public async Task The_history_gives_the_journal_backlogs_latest_and_peak_in_the_window()
    {
        string id = NewId();
        var now = _factory.Clock.Now;
        using var admin = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/devices", new { id })).StatusCode);
        var batch = new WriteBatch();
        foreach (var (days, pending) in new (int, long)[] { (-100, 900), (-6, 0), (-5, 48), (-4, 48), (-3, 12), (-2, 0) })
            batch.Statuses.Add(new StatusUpdate(id, new DeviceStatus("online", Firmware: "1.0.0", Pending: pending, Vitals: new DeviceVitals()), now.AddDays(days)));
        await _factory.Store.WriteAsync(batch);

        using var viewer = _factory.ClientAs(Roles.Viewer);
        var backlog = (await viewer.GetFromJsonAsync<JsonElement>($"/api/devices/{id}/history")).GetProperty("backlog");
        // 900 is outside the 92 days; of the two peaks of 48 the earlier is named.
        Assert.Equal((0L, now.AddDays(-2).ToUnixTimeSeconds(), 48L, now.AddDays(-5).ToUnixTimeSeconds(), 5),
            (backlog.GetProperty("latest").GetInt64(), backlog.GetProperty("latestAt").GetInt64(), backlog.GetProperty("peak").GetInt64(),
                backlog.GetProperty("peakAt").GetInt64(), backlog.GetProperty("statuses").GetInt32()));
        var early = await viewer.GetFromJsonAsync<JsonElement>($"/api/devices/{id}/history?from={now.AddDays(-4).ToUnixTimeSeconds()}&to={now.AddDays(-3).ToUnixTimeSeconds() + 1}");
        Assert.Equal((12L, 48L), (early.GetProperty("backlog").GetProperty("latest").GetInt64(), early.GetProperty("backlog").GetProperty("peak").GetInt64()));

        // A device without statuses in the window has no backlog to tell.
        var none = await viewer.GetFromJsonAsync<JsonElement>($"/api/devices/{id}/history?from={now.AddDays(-60).ToUnixTimeSeconds()}&to={now.AddDays(-50).ToUnixTimeSeconds()}");
        Assert.Equal(JsonValueKind.Null, none.GetProperty("backlog").ValueKind);
        var samples = (await viewer.GetFromJsonAsync<JsonElement>($"/api/devices/{id}/vitals")).GetProperty("samples");
        Assert.Equal([0L, 48, 48, 12, 0], samples.EnumerateArray().Select(s => s.GetProperty("pending").GetInt64()));
    }

    [Theory]
    [InlineData("?limit=0", "limit must be 1..500")]
    [InlineData("?limit=501", "limit must be 1..500")]
    [InlineData("?from=200&to=100", "must be before")]
    [InlineData("?from=0&to=99999999", "at most 92")]
    [InlineData("?from=-5&to=100", "cannot be negative")]
    public async Task Bad_limits_and_windows_are_refused_with_the_reason(string query, string reason)
    {
        string id = NewId();
        await _factory.Store.RegisterDeviceAsync(new DeviceRegistration(id, null, [], null), _factory.Clock.Now);
        using var viewer = _factory.ClientAs(Roles.Viewer);
        var response = await viewer.GetAsync($"/api/devices/{id}/history{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_unknown_device_is_404_with_its_id_printable()
    {
        using var viewer = _factory.ClientAs(Roles.Viewer);
        var response = await viewer.GetAsync("/api/devices/" + Uri.EscapeDataString("esp32-\u0007" + new string('x', 300)) + "/history");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        string error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()!;
        Assert.DoesNotContain("\u0007", error, StringComparison.Ordinal);
        Assert.True(error.Length < 100, error);
    }
}
