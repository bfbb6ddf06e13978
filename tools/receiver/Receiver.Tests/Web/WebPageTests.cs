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
    // chart.js draws every data line in #0072b2 and the page uses that colour for nothing else.
    private static readonly (int R, int G, int B) DataColor = (0x00, 0x72, 0xB2);

    // style.css: header 52 px, 12 px padding, fleet pane 440 px wide, 36 px detail header and the device's facts, charts in a 2×2 grid.
    private const int ChartsLeft = 464, ChartsTop = 100, ChartsRight = 1188, ChartsBottom = 888;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [ChromiumFact]
    public async Task Charts_show_the_seeded_telemetry()
    {
        var counts = await RenderAndCountAsync(withReadings: true);
        Assert.All(counts, c => Assert.True(c.Pixels >= 40, $"{c.Area}: {c.Pixels} data-colour pixels (all areas: {Describe(counts)})"));
    }

    [ChromiumFact]
    public async Task The_check_fails_for_a_page_without_data()
    {
        var counts = await RenderAndCountAsync(withReadings: false);
        Assert.All(counts, c => Assert.Equal(0, c.Pixels));
    }

    private static string Describe(IEnumerable<(string Area, int Pixels)> counts) => string.Join(", ", counts.Select(c => $"{c.Area}={c.Pixels}"));

    private async Task<List<(string Area, int Pixels)>> RenderAndCountAsync(bool withReadings)
    {
        string db = _dir.File("seeded.db");
        await SeedAsync(db, withReadings);
        using var receiver = await ReceiverProcess.StartAsync(["--store", "sqlite:" + db]);
        var image = await Chromium.ScreenshotAsync(receiver.PageWithToken(await receiver.CreateTokenAsync("viewer")), _dir);
        Assert.Equal((1200, 900), (image.Width, image.Height));

        int midX = (ChartsLeft + ChartsRight) / 2, midY = (ChartsTop + ChartsBottom) / 2;
        var areas = new (string Name, int X0, int Y0, int X1, int Y1)[]
        {
            ("temperature", ChartsLeft, ChartsTop, midX, midY),
            ("humidity", midX, ChartsTop, ChartsRight, midY),
            ("pressure", ChartsLeft, midY, midX, ChartsBottom),
            ("battery", midX, midY, ChartsRight, ChartsBottom),
        };
        return areas.Select(a => (a.Name, CountDataColor(image, a.X0, a.Y0, a.X1, a.Y1))).ToList();
    }

    private static int CountDataColor(PngImage image, int x0, int y0, int x1, int y1)
    {
        int n = 0;
        for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
        {
            var (r, g, b) = image[x, y];
            if (Math.Abs(r - DataColor.R) <= 10 && Math.Abs(g - DataColor.G) <= 10 && Math.Abs(b - DataColor.B) <= 10) n++;
        }
        return n;
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
