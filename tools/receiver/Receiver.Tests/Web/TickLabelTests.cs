using System.Text.Json;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Web;

/// <summary>
/// The page's tick function (wwwroot/ticks.js), run in Chromium as the page runs it: steps of 1, 2 or 5 × 10^k, labels
/// with the decimals the step needs, so they are distinct and ordered also where the old page printed "36 36 36".
/// </summary>
public sealed class TickLabelTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [ChromiumFact]
    public async Task Labels_are_distinct_ordered_and_cover_the_range()
    {
        var ranges = new List<(double Min, double Max)>
        {
            (35.6, 36.4), (991.8, 992.3), (0, 0.004), (-12.3, -11.9), (-0.004, 0), (-0.5, 0.7), (36, 36), (0, 0),
            (101_000, 101_300), (3.95, 4.1), (-1e-7, 3e-7), (1e6, 1e6 + 1), (-40, 85), (0.1, 0.3),
        };
        var random = new Random(14);
        for (int i = 0; i < 300; i++)
        {
            double scale = Math.Pow(10, random.Next(-6, 7)), a = (random.NextDouble() - 0.5) * 2000 * scale, b = a + random.NextDouble() * scale;
            ranges.Add((a, b));
        }
        using var receiver = await ReceiverProcess.StartAsync(["--store", "sqlite:" + _dir.File("empty.db")]);
        await using var page = await ChromiumPage.OpenAsync(receiver.BaseAddress, _dir);
        await page.WaitForAsync("document.readyState === 'complete'", "a loaded page");
        string cases = JsonSerializer.Serialize(ranges.Select(r => new[] { r.Min, r.Max }));
        var results = await page.EvaluateAsync(
            $"import('/ticks.js').then(m => {cases}.map(([a, b]) => m.niceTicks(a, b, 6, 'hPa')))");

        int k = 0;
        foreach (var t in results.EnumerateArray())
        {
            var (min, max) = ranges[k++];
            string what = $"range {min}..{max}";
            var labels = t.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!).ToList();
            var values = AxisLabels.AssertDistinctAndOrdered(labels, "hPa", what);
            Assert.True(labels.Count <= 6, $"{what}: {labels.Count} labels");
            Assert.True(values[0] <= min && values[^1] >= max, $"{what}: ticks {string.Join(" | ", labels)} do not cover it");
            double step = t.GetProperty("step").GetDouble();
            double mantissa = step / Math.Pow(10, Math.Floor(Math.Log10(step)));
            Assert.True(new[] { 1.0, 2.0, 5.0 }.Any(m => Math.Abs(mantissa - m) < 1e-9), $"{what}: step {step} is not 1, 2 or 5 × 10^k");
            for (int i = 1; i < values.Length; i++)
                Assert.True(Math.Abs(values[i] - values[i - 1] - step) <= step * 1e-6, $"{what}: labels {string.Join(" | ", labels)} are not {step} apart");
        }
        Assert.Equal(ranges.Count, k);
    }
}
