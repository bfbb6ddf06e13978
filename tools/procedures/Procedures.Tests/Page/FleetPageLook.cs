using System.Text.RegularExpressions;
using NodeFirmware.Procedures.Tests.Runner;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Procedures.Tests.Page;

/// <summary>
/// The fleet page as the reader opens it: the address docs/provisioning.md prints ("the fleet page: …/#token=…", the
/// viewer token in the fragment signs in), rendered by headless Chromium while the procedure waits at a checkpoint:
/// its DOM after the scripts ran, and a screenshot for the charts. Without Chromium it only records why it did not look.
/// </summary>
public sealed class FleetPageLook
{
    private const string AddressLine = "the fleet page: ";

    public string? Dom { get; private set; }
    public List<(string Area, int Pixels)>? Charts { get; private set; }
    public string? Skipped { get; private set; }

    /// <summary>How long the two page loads took (what the check adds to the procedure).</summary>
    public TimeSpan Took { get; private set; }

    public async Task LookAsync(CheckpointView session)
    {
        if (Chromium.Installed is null)
        {
            Skipped = "fleet page check skipped: " + Chromium.Missing;
            return;
        }
        // The line may follow output without a newline of its own (curl's JSON before it), so it is searched, not matched.
        var printed = Regex.Matches(session.Output, Regex.Escape(AddressLine) + @"(\S+)");
        var address = printed.Count > 0 ? new Uri(printed[^1].Groups[1].Value) : throw new InvalidOperationException($"the session printed no '{AddressLine}…' address");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var profile = new TempDirectory("nf-procedure-page");
        Dom = await Chromium.DumpDomAsync(address, profile);
        Charts = FleetPageCharts.DataPixels(await Chromium.ScreenshotAsync(address, profile));
        Took = clock.Elapsed;
    }
}
