using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Api;

public sealed class ApiTests : IClassFixture<ReceiverFactory>
{
    private readonly ReceiverFactory _factory;
    private readonly HttpClient _http;

    public ApiTests(ReceiverFactory factory)
    {
        _factory = factory;
        _http = factory.CreateClient();
    }

    private DateTimeOffset Now => _factory.Clock.Now;

    private static string NewId() => "esp32-" + Convert.ToHexString(Guid.NewGuid().ToByteArray()[..6]).ToLowerInvariant();

    private async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Register_get_and_list_a_device()
    {
        var id = NewId();
        var created = await Json(await _http.PostAsJsonAsync("/api/devices", new { id, certSerial = "0a1b2c", tags = new[] { "site:lab" }, board = "esp32-devkitc" }), HttpStatusCode.Created);
        Assert.Equal(id, created.GetProperty("id").GetString());
        Assert.Equal("0A1B2C", created.GetProperty("certSerial").GetString());
        Assert.True(created.GetProperty("registered").GetBoolean());

        var again = await _http.PostAsJsonAsync("/api/devices", new { id, certSerial = "0a1b2c", board = "esp32-devkitc" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        var one = await Json(await _http.GetAsync($"/api/devices/{id}"), HttpStatusCode.OK);
        Assert.Equal("esp32-devkitc", one.GetProperty("board").GetString());
        Assert.Equal(0, one.GetProperty("readingCount").GetInt64());
        var list = await Json(await _http.GetAsync("/api/devices"), HttpStatusCode.OK);
        Assert.Contains(list.EnumerateArray(), d => d.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task Bad_registrations_and_unknown_devices_get_clear_errors()
    {
        var bad = await Json(await _http.PostAsJsonAsync("/api/devices", new { id = "nodes/+/x" }), HttpStatusCode.BadRequest);
        Assert.Contains("not a valid device id", bad.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.PostAsJsonAsync("/api/devices", new { id = NewId(), certSerial = "xyz" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/devices/esp32-unknown000000")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/devices/esp32-unknown000000/telemetry")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.PostAsync("/api/devices/esp32-unknown000000/revoke", null)).StatusCode);
    }

    [Fact]
    public async Task Telemetry_is_downsampled_into_buckets()
    {
        var id = NewId();
        long t = Now.ToUnixTimeSeconds() / 3600 * 3600 - 3600;
        var records = Enumerable.Range(0, 60).Select(k => Records.Reading(id, 1, k, t + 60 * k, temperature: k)).ToList();
        await _factory.Store.WriteAsync(Records.Batch(new ReceivedTelemetry(id, records, 3900, Now)));

        var body = await Json(await _http.GetAsync($"/api/devices/{id}/telemetry?from={t}&to={t + 3600}&bucket=600"), HttpStatusCode.OK);
        Assert.Equal(600, body.GetProperty("bucket").GetInt32());
        var temperature = body.GetProperty("series").EnumerateArray().Single(s => s.GetProperty("channel").GetString() == "temperature");
        Assert.Equal("Cel", temperature.GetProperty("unit").GetString());
        var points = temperature.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(6, points.Count);
        Assert.Equal(t, points[0].GetProperty("t").GetInt64());
        Assert.Equal(10, points[0].GetProperty("n").GetInt64());
        Assert.Equal(4.5, points[0].GetProperty("avg").GetDouble(), 9);
        Assert.Equal(50, points[5].GetProperty("min").GetDouble());
        Assert.Equal(59, points[5].GetProperty("max").GetDouble());

        var defaults = await Json(await _http.GetAsync($"/api/devices/{id}/telemetry"), HttpStatusCode.OK);
        Assert.Equal(Now.ToUnixTimeSeconds() + 1 - 86400, defaults.GetProperty("from").GetInt64());

        Assert.Equal(HttpStatusCode.BadRequest, (await _http.GetAsync($"/api/devices/{id}/telemetry?from=10&to=5")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.GetAsync($"/api/devices/{id}/telemetry?from=0&to=100000000&bucket=1")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.GetAsync($"/api/devices/{id}/telemetry?bucket=0")).StatusCode);
    }

    [Fact]
    public async Task Revoking_marks_the_device_adds_its_serial_to_the_crl_and_reloads_the_broker()
    {
        var id = NewId();
        await _http.PostAsJsonAsync("/api/devices", new { id, certSerial = "00ff10" });
        int reloads = _factory.Broker.Reloads;
        var body = await Json(await _http.PostAsync($"/api/devices/{id}/revoke", null), HttpStatusCode.OK);
        Assert.True(body.GetProperty("revoked").GetBoolean());
        Assert.True(body.GetProperty("crlUpdated").GetBoolean());
        Assert.True(body.GetProperty("brokerReloaded").GetBoolean());
        Assert.Contains("00FF10", _factory.Crl.Revoked);
        Assert.Equal(reloads + 1, _factory.Broker.Reloads);
        var device = await Json(await _http.GetAsync($"/api/devices/{id}"), HttpStatusCode.OK);
        Assert.True(device.GetProperty("revoked").GetBoolean());
    }

    [Fact]
    public async Task Sli_reports_connectivity_freshness_commands_and_ota()
    {
        await using var factory = new ReceiverFactory();
        var http = factory.CreateClient();
        var now = factory.Clock.Now;
        long t = now.ToUnixTimeSeconds();
        // Report period 60 s, 3 periods: seen within 180 s counts.
        string[] ids = ["esp32-000000000001", "esp32-000000000002", "esp32-000000000003", "esp32-000000000004"];
        foreach (var id in ids) await factory.Store.RegisterDeviceAsync(new DeviceRegistration(id, null, [], null), now.AddDays(-1));
        await factory.Store.WriteAsync(Records.Batch(
            Records.Message(ids[0], 1, 0, 1, t - 10, now.AddSeconds(-10)),
            Records.Message(ids[1], 1, 0, 1, t - 100, now.AddSeconds(-100)),
            Records.Message(ids[2], 1, 0, 1, t - 1000, now.AddSeconds(-1000)),
            Records.Message("esp32-00000000beef", 1, 0, 1, t, now))); // unregistered: not in the SLIs
        await factory.Store.RecordCommandSentAsync("c1", ids[0], now);
        await factory.Store.RecordCommandSentAsync("c2", ids[0], now);
        await factory.Store.RecordCommandAckAsync("c1", true, now);
        await factory.Store.RecordOtaOutcomeAsync("k", ids[0], true, now);

        var sli = await Json(await http.GetAsync("/api/sli"), HttpStatusCode.OK);
        var c = sli.GetProperty("connectivity");
        Assert.Equal(4, c.GetProperty("registered").GetInt32());
        Assert.Equal(2, c.GetProperty("seen").GetInt32());
        Assert.Equal(0.5, c.GetProperty("rate").GetDouble());
        Assert.Equal(180, c.GetProperty("windowSeconds").GetInt64());
        var f = sli.GetProperty("freshness");
        Assert.Equal(3, f.GetProperty("devices").GetInt32());
        Assert.Equal(1, f.GetProperty("withoutReadings").GetInt32());
        Assert.Equal(100, f.GetProperty("p50Seconds").GetDouble());
        Assert.Equal(1000, f.GetProperty("p95Seconds").GetDouble());
        Assert.Equal(0.5, sli.GetProperty("commands").GetProperty("rate").GetDouble());
        Assert.Equal(1.0, sli.GetProperty("ota").GetProperty("rate").GetDouble());
        // The default targets; freshness: three report periods.
        var targets = sli.GetProperty("targets");
        Assert.Equal(0.95, targets.GetProperty("connectivity").GetDouble());
        Assert.Equal(180, targets.GetProperty("freshnessP95Seconds").GetDouble());
        Assert.Equal(0.99, targets.GetProperty("commands").GetDouble());
        Assert.Equal(0.95, targets.GetProperty("ota").GetDouble());

        var wider = await Json(await http.GetAsync("/api/sli?periods=20"), HttpStatusCode.OK);
        Assert.Equal(3, wider.GetProperty("connectivity").GetProperty("seen").GetInt32());
    }

    [Fact]
    public async Task Quarantine_is_listed_with_the_payload()
    {
        var batch = new WriteBatch();
        batch.Quarantine.Add(new QuarantineEntry(0, Now, "nodes/q/telemetry", "malformed-cbor", "broken", [1, 2, 3]));
        await _factory.Store.WriteAsync(batch);
        var list = await Json(await _http.GetAsync("/api/quarantine?limit=1000"), HttpStatusCode.OK);
        Assert.Contains(list.EnumerateArray(), q => q.GetProperty("payloadBase64").GetString() == "AQID" && q.GetProperty("reason").GetString() == "malformed-cbor");
    }

    [Fact]
    public async Task The_page_is_served()
    {
        var html = await _http.GetStringAsync("/");
        Assert.Contains("app.js", html);
        Assert.Contains("/vendor/uplot/uPlot.iife.min.js", html);
        Assert.Contains("showDevice", await _http.GetStringAsync("/app.js"));
        Assert.Contains("niceTicks", await _http.GetStringAsync("/chart.js"));
    }
}
