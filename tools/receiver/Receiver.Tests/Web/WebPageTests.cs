using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Storage.Sqlite;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Web;

/// <summary>
/// The page, rendered by headless Chromium from a real receiver process: each of the four chart areas must hold
/// pixels of the data colour; the same check on a fleet without readings must find none.
/// </summary>
public sealed class WebPageTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [ChromiumFact]
    public async Task Charts_show_the_seeded_telemetry()
    {
        var counts = await RenderAndCountAsync(withReadings: true);
        Assert.All(counts, c => Assert.True(c.Pixels >= 40, $"{c.Area}: {c.Pixels} data-colour pixels (all areas: {FleetPageCharts.Describe(counts)})"));
    }

    [ChromiumFact]
    public async Task The_check_fails_for_a_page_without_data()
    {
        var counts = await RenderAndCountAsync(withReadings: false);
        Assert.All(counts, c => Assert.Equal(0, c.Pixels));
    }

    private async Task<List<(string Area, int Pixels)>> RenderAndCountAsync(bool withReadings)
    {
        string db = _dir.File("seeded.db");
        await SeedAsync(db, withReadings);
        using var receiver = await ReceiverProcess.StartAsync(["--store", "sqlite:" + db]);
        var image = await Chromium.ScreenshotAsync(receiver.PageWithToken(await receiver.CreateTokenAsync("viewer")), _dir);
        return FleetPageCharts.DataPixels(image);
    }

    private static async Task SeedAsync(string path, bool withReadings)
    {
        await using var store = new SqliteTelemetryStore(path);
        await store.MigrateAsync();
        var now = DateTimeOffset.UtcNow;
        string[] ids = ["esp32-a1b2c3d4e5f6", "esp32-0011223344ff"];
        foreach (var id in ids) await store.RegisterDeviceAsync(new DeviceRegistration(id, "0A0B", ["site:lab"], "esp32-devkitc"), now.AddDays(-2));
        var status = new WriteBatch();
        foreach (var id in ids) status.Statuses.Add(Records.Status(id, "online", now));
        await store.WriteAsync(status);
        if (!withReadings) return;

        long start = now.ToUnixTimeSeconds() - 6 * 3600;
        var records = Enumerable.Range(0, 360).Select(k =>
            Records.Reading(ids[0], 1, k, start + 60 * k,
                temperature: 21 + 3 * Math.Sin(k / 40.0), humidity: 45 + 10 * Math.Cos(k / 50.0),
                pressure: 101_000 + 300 * Math.Sin(k / 90.0), battery: 4.1 - k * 0.001)).ToList();
        await store.WriteAsync(Records.Batch(new ReceivedTelemetry(ids[0], records, 3740, now)));
    }
}
