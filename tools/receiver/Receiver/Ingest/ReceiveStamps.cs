namespace NodeFirmware.Receiver.Ingest;

/// <summary>
/// The receive time of each message the ingest takes: the clock's time, but always at least a millisecond after the
/// previous one. A device's status samples are keyed on (device, receive time in ms), so two statuses that arrive in one
/// burst (a birth status and the next report, both queued while the receiver was busy) must not share a millisecond, or
/// the second would be taken for a redelivery of the first and dropped.
/// </summary>
public sealed class ReceiveStamps(TimeProvider clock)
{
    private readonly object _gate = new();
    private long _lastMs = long.MinValue;

    public DateTimeOffset Next()
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (now.ToUnixTimeMilliseconds() <= _lastMs) now = DateTimeOffset.FromUnixTimeMilliseconds(_lastMs + 1);
            _lastMs = now.ToUnixTimeMilliseconds();
            return now;
        }
    }
}
