using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Storage.Sqlite;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Web;

/// <summary>
/// A fleet larger than one page of GET /api/devices (1000) is on the page whole: the page follows X-Next-After.
/// Before, a fleet of 10,000 showed its first 1000 devices and said "1000 devices".
/// </summary>
public sealed class FleetPageTests : IDisposable
{
    private const int Devices = 1500;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [ChromiumFact]
    public async Task The_page_lists_every_device_of_a_fleet_larger_than_one_api_page()
    {
        string db = _dir.File("fleet.db");
        await using (var store = new SqliteTelemetryStore(db, "NORMAL"))
        {
            await store.MigrateAsync();
            var at = DateTimeOffset.UtcNow.AddDays(-1);
            for (int i = 0; i < Devices; i++)
                await store.RegisterDeviceAsync(new DeviceRegistration($"esp32-0d{i:x10}", null, [], "esp32-devkitc"), at);
        }
        using var receiver = await ReceiverProcess.StartAsync(["--store", "sqlite:" + db]);
        string dom = await Chromium.DumpDomAsync(receiver.PageWithToken(await receiver.CreateTokenAsync("viewer")), _dir);

        Assert.Contains($">{Devices} devices · updated", dom);
        Assert.Contains($">esp32-0d{Devices - 1:x10}<", dom); // the last device, on the second page
    }
}
