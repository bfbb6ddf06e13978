using System.Collections.Concurrent;

namespace NodeSim.RomBootloader.Uart;

/// <summary>Bytes that have just crossed a <see cref="PacedSerialLine"/>: the first one started at StartedAt, the last one ended at EndedAt (<see cref="LineClock"/> timestamps).</summary>
public readonly record struct LineDelivery(byte[] Bytes, long StartedAt, long EndedAt);

/// <summary>
/// One direction of a UART at its baud rate: bytes handed to <see cref="Send"/> reach the other side no sooner
/// than the line can carry them. 8N1 framing puts 10 bit times on the line per byte (start bit, 8 data bits,
/// stop bit); bytes go back to back while more are waiting, and the line is idle otherwise. A receiver gets a
/// byte once its stop bit has passed, so bytes are delivered in slices of about half a millisecond of line
/// time, each when its last byte has arrived. The rate is read for each slice, so a baud change applies to what
/// is still waiting. Delivery runs on the line's own thread.
/// </summary>
public sealed class PacedSerialLine : IDisposable
{
    public const int BitsPerByte = 10;

    private readonly Func<int> _baudRate;
    private readonly Action<LineDelivery> _deliver;
    private readonly BlockingCollection<(byte[] Bytes, long SentAt)> _waiting = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private long _idleFrom;

    /// <param name="baudRate">The line's rate, read for every slice.</param>
    /// <param name="deliver">Receives the bytes in order once they have crossed the line.</param>
    public PacedSerialLine(string name, Func<int> baudRate, Action<LineDelivery> deliver)
    {
        _baudRate = baudRate;
        _deliver = deliver;
        _idleFrom = LineClock.Now;
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Line time of <paramref name="bytes"/> bytes at <paramref name="baudRate"/>.</summary>
    public static TimeSpan LineTime(long bytes, int baudRate) => TimeSpan.FromSeconds(bytes * (double)BitsPerByte / baudRate);

    /// <summary>Puts bytes on the line now; they start once the bytes before them have crossed.</summary>
    public void Send(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return;
        }

        try
        {
            _waiting.Add((bytes, LineClock.Now));
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            // the line is closed: like a UART whose other end is gone, the bytes go nowhere
        }
    }

    /// <summary>Stops the line; bytes not yet delivered are dropped.</summary>
    public void Dispose()
    {
        _waiting.CompleteAdding();
        _stop.Cancel();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }

        _stop.Dispose();
        _waiting.Dispose();
    }

    private void Run()
    {
        try
        {
            foreach (var (bytes, sentAt) in _waiting.GetConsumingEnumerable(_stop.Token))
            {
                // Scheduled from when the bytes were sent, not from when this thread got to them, so a late wake-up
                // does not push everything after it.
                long start = Math.Max(sentAt, _idleFrom);
                for (int at = 0; at < bytes.Length && !_stop.IsCancellationRequested;)
                {
                    int baud = Math.Max(1, _baudRate());
                    int slice = Math.Min(bytes.Length - at, Math.Max(1, baud / BitsPerByte / 2000));
                    long end = LineClock.After(start, slice * (double)BitsPerByte / baud);
                    LineClock.WaitUntil(end, _stop.Token);
                    if (_stop.IsCancellationRequested)
                    {
                        return;
                    }

                    _idleFrom = end;
                    _deliver(new LineDelivery(bytes.AsSpan(at, slice).ToArray(), start, end));
                    at += slice;
                    start = end;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // disposed
        }
    }
}
