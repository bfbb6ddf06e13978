namespace NodeFirmware.Receiver.Vitals;

/// <summary>
/// The journal backlog (readings kept on the device, not yet acknowledged) its statuses reported over a window: the newest
/// report and the largest, with when each was received (Unix seconds; the earliest of equal peaks). Samples an earlier
/// receiver stored without the backlog are left out; null when no sample in the window has it.
/// </summary>
public sealed record JournalBacklog(long Latest, long LatestAt, long Peak, long PeakAt, int Statuses)
{
    public static JournalBacklog? From(IEnumerable<VitalsSample> samples)
    {
        JournalBacklog? b = null;
        foreach (var s in samples.Where(s => s.Pending is not null).OrderBy(s => s.ReceivedAtMs))
        {
            long pending = s.Pending!.Value, at = s.ReceivedAtMs / 1000;
            if (b is null)
            {
                b = new JournalBacklog(pending, at, pending, at, 1);
                continue;
            }
            b = b with { Latest = pending, LatestAt = at, Statuses = b.Statuses + 1 };
            if (pending > b.Peak) b = b with { Peak = pending, PeakAt = at };
        }
        return b;
    }
}
