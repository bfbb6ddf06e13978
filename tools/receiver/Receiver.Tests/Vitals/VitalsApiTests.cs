using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NodeFirmware.Core.Telemetry;
using NodeFirmware.Receiver.Access;
using NodeFirmware.Receiver.Decoding;
using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Vitals;

/// <summary>GET /api/devices/{id}/vitals and /api/vitals/firmware over the receiver's real store, as a viewer.</summary>
public sealed class VitalsApiTests(ReceiverFactory factory) : IClassFixture<ReceiverFactory>
{
    private static string NewId() => "esp32-" + Convert.ToHexString(Guid.NewGuid().ToByteArray()[..6]).ToLowerInvariant();

    [Fact]
    public async Task A_viewer_reads_a_devices_vitals_with_its_drain_and_the_firmware_summary()
    {
        string id = NewId();
        var now = factory.Clock.Now;
        await factory.Store.RegisterDeviceAsync(new DeviceRegistration(id, null, [], "esp32-devkitc"), now);
        var batch = new WriteBatch();
        for (int h = 0; h <= 24; h += 4) // 3900 mV falling 10 mV every 4 h: 60 mV a day
            batch.Statuses.Add(new StatusUpdate(id, new DeviceStatus("sleeping", Firmware: "9.9.1", BatteryMillivolts: 3900 - 10 * h / 4,
                Vitals: new DeviceVitals(Reconnects: h / 4, WakeToPublish: new WakeToPublish(2000 + h, 900, null, null, 300, 100))), now.AddHours(h - 30)));
        await factory.Store.WriteAsync(batch);

        using var viewer = factory.ClientAs(Roles.Viewer);
        var response = await viewer.GetAsync($"/api/devices/{id}/vitals");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(7, body.GetProperty("samples").GetArrayLength());
        var health = body.GetProperty("health");
        Assert.Equal(60, health.GetProperty("drainMillivoltsPerDay").GetDouble(), 3);
        Assert.Equal(6, health.GetProperty("reconnectsPerDay").GetDouble(), 3);
        Assert.Equal(2012, health.GetProperty("wakeToPublishMs").GetDouble());
        Assert.Equal(1, health.GetProperty("crashFreeRate").GetDouble());
        var first = body.GetProperty("samples")[0];
        Assert.Equal(3900, first.GetProperty("batteryMv").GetInt32());
        Assert.Equal(900, first.GetProperty("wakeToPublish").GetProperty("wifiJoinMs").GetInt32());

        var fleet = await (await viewer.GetAsync("/api/vitals/firmware")).Content.ReadFromJsonAsync<JsonElement>();
        var row = fleet.GetProperty("firmware").EnumerateArray().Single(f => f.GetProperty("firmware").GetString() == "9.9.1");
        Assert.Equal(1, row.GetProperty("health").GetProperty("devices").GetInt32());
    }

    [Fact]
    public async Task Statuses_without_the_hourly_vitals_count_no_reconnects_and_read_null()
    {
        // The device's own statuses: rc 3, then 5 a day later, in the hours' first reports; every 15 minutes between,
        // and before and after, a status without the hourly vitals.
        string id = NewId();
        var now = factory.Clock.Now;
        await factory.Store.RegisterDeviceAsync(new DeviceRegistration(id, null, [], "esp32-devkitc"), now);
        var batch = new WriteBatch();
        for (int q = 0; q <= 26 * 4; q++)
        {
            var status = new NodeStatus { State = "sleeping", FirmwareVersion = "9.9.2", BatteryMillivolts = 3900 };
            if (q == 4) status.Reconnects = 3;
            if (q == 100) status.Reconnects = 5;
            batch.Statuses.Add(new StatusUpdate(id, StatusDecoder.Decode(StatusEncoder.Encode(status)), now.AddMinutes(15 * q - 27 * 60)));
        }
        await factory.Store.WriteAsync(batch);

        using var viewer = factory.ClientAs(Roles.Viewer);
        var body = await (await viewer.GetAsync($"/api/devices/{id}/vitals")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, body.GetProperty("health").GetProperty("reconnectsPerDay").GetDouble(), 3); // +2 over the day between them
        var reconnects = body.GetProperty("samples").EnumerateArray().Select(s => s.GetProperty("reconnects")).ToList();
        Assert.Equal([3L, 5L], reconnects.Where(r => r.ValueKind == JsonValueKind.Number).Select(r => r.GetInt64()));
        Assert.Equal(reconnects.Count - 2, reconnects.Count(r => r.ValueKind == JsonValueKind.Null));
    }

    [Fact]
    public async Task Bad_windows_unknown_devices_and_anonymous_callers_are_refused()
    {
        using var viewer = factory.ClientAs(Roles.Viewer);
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync("/api/devices/esp32-unknown000000/vitals")).StatusCode);
        string id = NewId();
        await factory.Store.RegisterDeviceAsync(new DeviceRegistration(id, null, [], null), factory.Clock.Now);
        Assert.Equal(HttpStatusCode.BadRequest, (await viewer.GetAsync($"/api/devices/{id}/vitals?from=200&to=100")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await viewer.GetAsync($"/api/devices/{id}/vitals?limit=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await viewer.GetAsync("/api/vitals/firmware?from=0&to=99999999")).StatusCode);
        using var anonymous = factory.AnonymousClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/devices/{id}/vitals")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/vitals/firmware")).StatusCode);
    }
}
