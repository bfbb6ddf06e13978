using Microsoft.Extensions.FileProviders;

namespace NodeFirmware.Receiver.Hosting;

/// <summary>
/// The page's charting library, uPlot, pinned in tools/receiver/page-packages and copied by the build into the output's
/// page-packages/uplot; served at <see cref="RequestPath"/> like the page's own files (public: they hold no data).
/// Without them the receiver still runs (the API does not need them): it says at start what to do, and the page shows
/// the same in place of its charts.
/// </summary>
public static class PagePackages
{
    public const string RequestPath = "/vendor/uplot";

    public static readonly IReadOnlyList<string> Files = ["uPlot.iife.min.js", "uPlot.min.css"];

    public const string Fix = "run tools/scripts/setup.sh (npm ci in tools/receiver/page-packages), then build the receiver again";

    public static string Folder(string baseDirectory) => Path.Combine(baseDirectory, "page-packages", "uplot");

    /// <summary>Null when every file is there, else which are missing and how to get them.</summary>
    public static string? Problem(string folder)
    {
        var missing = Files.Where(f => !File.Exists(Path.Combine(folder, f))).ToList();
        return missing.Count == 0 ? null
            : $"the page's charts need uPlot, and {string.Join(", ", missing)} are not in {folder}: {Fix}";
    }

    public static void Map(WebApplication app)
    {
        string folder = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ReceiverOptions>>().Value.PagePackages
            ?? Folder(AppContext.BaseDirectory);
        if (Problem(folder) is { } problem)
        {
            app.Logger.LogWarning("{Problem}", problem);
            return;
        }
        app.UseStaticFiles(new StaticFileOptions { RequestPath = RequestPath, FileProvider = new PhysicalFileProvider(folder) });
    }
}
