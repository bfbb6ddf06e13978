using System.Diagnostics;

namespace NodeFirmware.HilTests.Support;

/// <summary>Polls the receiver's store: the ingest commits asynchronously after the broker acknowledged the node.</summary>
public static class Eventually
{
    /// <summary>Returns the last value read once <paramref name="done"/> holds, or the last value after <paramref name="timeout"/> (the caller asserts on it).</summary>
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        while (true)
        {
            T value = await read();
            if (done(value) || clock.Elapsed > limit) return value;
            await Task.Delay(100);
        }
    }
}
