namespace NodeSim.RomBootloader.Uart;

/// <summary>
/// How long the chip's UART was in use for what a host did after resetting it: from the first byte the chip
/// received after its latest boot to the last byte it sent. Host processes start up, open ports and reset the
/// chip before that window; timing a flashing tool by this window leaves out everything but the conversation.
/// </summary>
public sealed class UartActivity
{
    private readonly object _gate = new();
    private int _bootOfFirstByte = -1;
    private long? _firstReceived;
    private long? _lastSent;

    /// <summary>Bytes the chip has received, with the chip's boot count at that moment.</summary>
    public void Received(LineDelivery delivery, int boots)
    {
        lock (_gate)
        {
            if (boots != _bootOfFirstByte)
            {
                _bootOfFirstByte = boots;
                _firstReceived = delivery.StartedAt;
            }
        }
    }

    /// <summary>Bytes the chip has sent, now on the host's side of the line.</summary>
    public void Sent(LineDelivery delivery)
    {
        lock (_gate)
        {
            _lastSent = delivery.EndedAt;
        }
    }

    /// <summary>From the first byte received after the latest boot to the last byte sent; null before there is both.</summary>
    public TimeSpan? Window
    {
        get
        {
            lock (_gate)
            {
                return _firstReceived is { } first && _lastSent is { } last && last > first ? LineClock.Between(first, last) : null;
            }
        }
    }
}
