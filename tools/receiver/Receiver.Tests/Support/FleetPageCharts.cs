namespace NodeFirmware.Receiver.Tests.Support;

/// <summary>
/// Where the fleet page draws its four charts in a 1200×900 screenshot (<see cref="Chromium.ScreenshotAsync"/>), and how
/// many pixels of each hold the data colour: a chart with readings has some, an empty one none.
/// </summary>
public static class FleetPageCharts
{
    // chart.js draws every data line in #0072b2 and the page uses that colour for nothing else.
    private static readonly (int R, int G, int B) DataColor = (0x00, 0x72, 0xB2);

    // style.css: header 52 px, 12 px padding, fleet pane 440 px wide, 36 px detail header and the device's facts, charts in a 2×2 grid.
    private const int ChartsLeft = 464, ChartsTop = 100, ChartsRight = 1188, ChartsBottom = 888;

    public static List<(string Area, int Pixels)> DataPixels(PngImage image)
    {
        if ((image.Width, image.Height) != (1200, 900)) throw new ArgumentException($"a {image.Width}×{image.Height} screenshot, not 1200×900");
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

    public static string Describe(IEnumerable<(string Area, int Pixels)> counts) => string.Join(", ", counts.Select(c => $"{c.Area}={c.Pixels}"));

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
}
