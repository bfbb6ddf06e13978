using NodeFirmware.Receiver.Ingest;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Ingest;

/// <summary>Receive times never share a millisecond, so a burst of one device's statuses keeps every one of them.</summary>
public class ReceiveStampsTests
{
    [Fact]
    public void Messages_in_one_millisecond_get_the_next_ones_and_the_clock_takes_over_once_it_is_ahead()
    {
        var t0 = DateTimeOffset.FromUnixTimeMilliseconds(1_750_000_000_000).AddTicks(1234);
        var clock = new FixedTimeProvider(t0);
        var stamps = new ReceiveStamps(clock);
        Assert.Equal(t0, stamps.Next()); // the clock's own time, to the tick
        Assert.Equal([t0.ToUnixTimeMilliseconds() + 1, t0.ToUnixTimeMilliseconds() + 2], new[] { stamps.Next(), stamps.Next() }.Select(s => s.ToUnixTimeMilliseconds()));
        clock.Now = t0.AddSeconds(1);
        Assert.Equal(t0.AddSeconds(1), stamps.Next());
        clock.Now = t0; // a clock stepped back: still after the last stamp
        Assert.Equal(t0.AddSeconds(1).ToUnixTimeMilliseconds() + 1, stamps.Next().ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Stamps_taken_at_once_from_several_threads_are_all_distinct()
    {
        var stamps = new ReceiveStamps(new FixedTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_750_000_000)));
        var taken = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Enumerable.Range(0, 1000).Select(_ => stamps.Next().ToUnixTimeMilliseconds()).ToList())));
        Assert.Equal(8000, taken.SelectMany(t => t).Distinct().Count());
    }
}
