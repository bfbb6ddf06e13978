using NodeFirmware.Nodectl.Flashing;

namespace NodeFirmware.HilTests.Serial;

/// <summary>
/// A serial link whose DTR/RTS are wired to relays instead of modem lines (a pty has none; some rigs wire EN/IO0
/// to a relay board): it maps the auto-reset circuit's logic (RTS alone = EN low, DTR alone = IO0 low) onto channels.
/// </summary>
public sealed class RelayResetLink(ISerialLink inner, Rig.IRelay relay, int enChannel, int io0Channel) : ISerialLink
{
    public string Name => inner.Name + " (EN/IO0 by relay)";
    public int BaudRate => inner.BaudRate;
    public void SetBaudRate(int baudRate) => inner.SetBaudRate(baudRate);
    public void Write(ReadOnlySpan<byte> bytes) => inner.Write(bytes);
    public int Read(Span<byte> buffer, TimeSpan timeout) => inner.Read(buffer, timeout);
    public void DiscardInput() => inner.DiscardInput();

    public void SetSignals(bool dtr, bool rts)
    {
        bool enLow = rts && !dtr, io0Low = dtr && !rts;
        // IO0 first, so EN is released with the strapping already in place.
        relay.Set(io0Channel, io0Low);
        relay.Set(enChannel, enLow);
    }

    public void Dispose() => inner.Dispose();
}
