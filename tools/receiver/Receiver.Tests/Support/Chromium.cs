using System.Diagnostics;

namespace NodeFirmware.Receiver.Tests.Support;

/// <summary>Headless Chromium taking a screenshot of a page, or its DOM, after letting its scripts run.</summary>
public static class Chromium
{
    public const string Missing = "Chromium is not installed: run 'bash tools/scripts/setup.sh'";

    public static bool Installed => Find() is not null;

    public static string Executable => Find() ?? throw new InvalidOperationException(Missing);

    private static string? Find() => new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

    public static async Task<PngImage> ScreenshotAsync(Uri url, TempDirectory dir)
    {
        string png = dir.File("page-" + Guid.NewGuid().ToString("N")[..8] + ".png");
        var psi = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--disable-extensions",
            "--user-data-dir=" + dir.File("chromium-profile"), "--force-device-scale-factor=1",
            "--screenshot=" + png, "--window-size=1200,900", "--virtual-time-budget=5000", url.ToString(),
        }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start Chromium");
        var stderr = p.StandardError.ReadToEndAsync();
        _ = p.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("Chromium did not finish the screenshot in 90 s");
        }
        if (!File.Exists(png)) throw new InvalidOperationException($"Chromium wrote no screenshot (exit {p.ExitCode}): {await stderr}");
        return PngImage.Read(await File.ReadAllBytesAsync(png));
    }

    /// <summary>The page's DOM after its scripts ran (what a test can search for text and states).</summary>
    public static async Task<string> DumpDomAsync(Uri url, TempDirectory dir)
    {
        var psi = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--user-data-dir=" + dir.File("chromium-profile"), "--virtual-time-budget=5000", "--dump-dom", url.ToString(),
        }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start Chromium");
        var stdout = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try { await p.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("Chromium did not dump the page in 90 s");
        }
        return await stdout;
    }
}
