namespace NodeFirmware.Nodectl.Flashing;

/// <summary>A serial line to a board: bytes both ways, the DTR/RTS control lines and the host's baud rate.</summary>
public interface ISerialLink : IDisposable
{
    string Name { get; }

    int BaudRate { get; }

    void SetBaudRate(int baudRate);

    void Write(ReadOnlySpan<byte> bytes);

    /// <summary>Reads what is available, waiting up to <paramref name="timeout"/> for the first byte; 0 means nothing arrived.</summary>
    int Read(Span<byte> buffer, TimeSpan timeout);

    /// <summary>Sets both control lines together (true = asserted).</summary>
    void SetSignals(bool dtr, bool rts);

    /// <summary>Drops bytes received but not yet read.</summary>
    void DiscardInput();
}
