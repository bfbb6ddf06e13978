using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Tests.EndToEnd;

public static class StoreSettling
{
    /// <summary>Polls until the expected count is reached, or the count has not moved for 5 s (then a surplus or a loss shows).</summary>
    public static async Task<long> WaitUntilSettledAsync(ITelemetryStore store, long expected, CancellationToken ct)
    {
        long stored = -1;
        var sinceChange = System.Diagnostics.Stopwatch.StartNew();
        var total = System.Diagnostics.Stopwatch.StartNew();
        while (total.Elapsed < TimeSpan.FromSeconds(45) && sinceChange.Elapsed < TimeSpan.FromSeconds(5))
        {
            long now = await store.CountReadingsAsync(ct: ct);
            if (now != stored) sinceChange.Restart();
            stored = now;
            if (stored == expected)
            {
                await Task.Delay(500, ct); // anything late would show up as a surplus now
                return await store.CountReadingsAsync(ct: ct);
            }
            await Task.Delay(100, ct);
        }
        return stored;
    }
}
