namespace NodeSim.RomBootloader;

/// <summary>
/// What a serving front end (RFC 2217, pty) drives: the chip's UART and its EN/IO0 lines. The bare ROM loader
/// (<see cref="SimulatedRomBootloader"/>) is one; a whole board (NodeSim.Board.SimulatedBoard) is another.
/// </summary>
public interface ISerialChip : IDisposable
{
    /// <summary>The ROM loader inside; tests and the dump on exit read its flash.</summary>
    SimulatedRomBootloader Rom { get; }

    /// <summary>Resets so far (each boot counts once).</summary>
    int Boots { get; }

    /// <summary>DTR/RTS as the DevKitC's auto-reset circuit wires them to EN/IO0.</summary>
    void SetSignals(bool dtr, bool rts);

    void SetHostBaudRate(int baudRate);

    /// <summary>Bytes from the host.</summary>
    void Receive(ReadOnlySpan<byte> bytes);

    /// <summary>Powers the board up with IO0 high or low, without DTR/RTS.</summary>
    void PowerOn(bool io0Low);
}
