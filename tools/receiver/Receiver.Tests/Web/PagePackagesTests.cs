using System.Net;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Web;

/// <summary>
/// uPlot is served from the receiver's build output; a receiver without it still serves the API and the page, says at
/// start what to run, and the page says it in place of the charts instead of breaking.
/// </summary>
public sealed class PagePackagesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task The_build_output_holds_uplot_and_the_receiver_serves_it()
    {
        using var receiver = await ReceiverProcess.StartAsync(["--store", "sqlite:" + _dir.File("r.db")]);
        using var http = receiver.Client("");
        var script = await http.GetAsync("/vendor/uplot/uPlot.iife.min.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Contains("uPlot", await script.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/vendor/uplot/uPlot.min.css")).StatusCode);
        Assert.DoesNotContain("need uPlot", receiver.Output);
    }

    [ChromiumFact]
    public async Task Without_uplot_the_receiver_says_what_to_run_and_the_page_shows_it()
    {
        var environment = new Dictionary<string, string> { ["Receiver__PagePackages"] = _dir.File("no-such-folder") };
        using var receiver = await ReceiverProcess.StartAsync(["--store", "sqlite:" + _dir.File("r.db")], environment: environment);
        using var http = receiver.Client("");
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/vendor/uplot/uPlot.iife.min.js")).StatusCode);
        await WaitForOutputAsync(receiver, "the page's charts need uPlot");
        Assert.Contains("tools/scripts/setup.sh", receiver.Output);

        string dom = await Chromium.DumpDomAsync(receiver.PageWithToken(await receiver.CreateTokenAsync("viewer")), _dir);
        Assert.Contains("id=\"charts-missing\" class=\"message error\">", dom);
        Assert.Contains("devices · updated", dom); // the rest of the page works
    }

    private static async Task WaitForOutputAsync(ReceiverProcess receiver, string text)
    {
        for (int i = 0; i < 100 && !receiver.Output.Contains(text); i++) await Task.Delay(100);
        Assert.Contains(text, receiver.Output);
    }
}
