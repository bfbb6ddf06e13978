using System.Net.Http.Json;
using System.Text.Json;
using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Storage.Sqlite;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Web;

/// <summary>
/// The device page's uPlot charts, in headless Chromium from a real receiver process, over readings in the narrow ranges
/// where the hand-drawn charts repeated their labels (36 ± 0.4 °C, 991.8–992.3 hPa): each chart holds the stored
/// buckets, and its y-axis labels are distinct, ordered, in the channel's unit and span the data.
/// </summary>
public sealed class ChartPageTests : IDisposable
{
    private const string Device = "esp32-a1b2c3d4e5f6";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [ChromiumFact]
    public async Task Each_chart_shows_the_stored_buckets_with_distinct_ordered_labels()
    {
        string db = _dir.File("charts.db");
        var now = DateTimeOffset.UtcNow;
        await using (var store = new SqliteTelemetryStore(db))
        {
            await store.MigrateAsync();
            await store.RegisterDeviceAsync(new DeviceRegistration(Device, "0A0B", [], "esp32-devkitc"), now.AddDays(-1));
            long start = now.ToUnixTimeSeconds() - 6 * 3600;
            var readings = Enumerable.Range(0, 360).Select(k => Records.Reading(Device, 1, k, start + 60 * k,
                temperature: 36 + 0.4 * Math.Sin(k / 40.0), humidity: 45 + 0.3 * Math.Cos(k / 50.0),
                pressure: 99_205 + 25 * Math.Sin(k / 90.0), battery: 4.1 - k * 0.0001)).ToList();
            await store.WriteAsync(Records.Batch(new ReceivedTelemetry(Device, readings, 4100, now)));
        }
        using var receiver = await ReceiverProcess.StartAsync(["--store", "sqlite:" + db]);
        string viewer = await receiver.CreateTokenAsync("viewer");
        await using var page = await ChromiumPage.OpenAsync(receiver.PageWithToken(viewer), _dir);
        await page.WaitForAsync("document.querySelectorAll('#charts .uplot').length === 4", "four uPlot charts");

        var shown = await page.EvaluateAsync(
            "[...document.querySelectorAll('#charts figure')].map(f => ({ channel: f.dataset.channel, points: Number(f.dataset.points), ticks: f.dataset.yTicks }))");
        using var http = receiver.Client(viewer);
        var api = await http.GetFromJsonAsync<JsonElement>($"/api/devices/{Device}/telemetry");
        var expected = new Dictionary<string, (string Unit, double Scale, double Min, double Max)>
        {
            ["temperature"] = ("°C", 1, 35.6, 36.4), ["humidity"] = ("%RH", 1, 44.7, 45.3),
            ["pressure"] = ("hPa", 0.01, 991.8, 992.3), ["battery"] = ("V", 1, 4.064, 4.1),
        };
        foreach (var figure in shown.EnumerateArray())
        {
            string channel = figure.GetProperty("channel").GetString()!;
            var (unit, scale, min, max) = expected[channel];
            var series = api.GetProperty("series").EnumerateArray().Single(s => s.GetProperty("channel").GetString() == channel);
            var buckets = series.GetProperty("points").EnumerateArray().ToList();
            // The page asks for the last 24 h a moment later than this request: the same buckets, give or take the edge one.
            Assert.InRange(figure.GetProperty("points").GetInt32(), buckets.Count - 1, buckets.Count + 1);
            var labels = figure.GetProperty("ticks").GetString()!.Split('|');
            var values = AxisLabels.AssertDistinctAndOrdered(labels, unit, channel);
            double dataMin = buckets.Min(b => b.GetProperty("min").GetDouble()) * scale, dataMax = buckets.Max(b => b.GetProperty("max").GetDouble()) * scale;
            Assert.True(values[0] <= dataMin && values[^1] >= dataMax, $"{channel}: labels {string.Join(" | ", labels)} do not span {dataMin}..{dataMax}");
            Assert.True(values[^1] - values[0] < 4 * (max - min), $"{channel}: labels {string.Join(" | ", labels)} are far wider than the data");
        }
    }
}
