namespace NodeSim.RomBootloader;

/// <summary>The simulated board: flash size, factory MAC, the largest data block the loader buffers.</summary>
public sealed record SimulatedRomOptions
{
    public int FlashSize { get; init; } = 4 * 1024 * 1024;

    public byte[] Mac { get; init; } = { 0x24, 0x0A, 0xC4, 0x5E, 0x71, 0x9B };

    /// <summary>
    /// Largest _DATA block accepted. esptool uses 0x400 with the ROM loader and esptool-js 0x4000; the simulator
    /// takes both so either host can be cross-checked against it.
    /// </summary>
    public int MaxDataBlock { get; init; } = 0x4000;

    /// <summary>The "value" of SYNC responses: the ROM sends a non-zero value, the esptool stub sends 0.</summary>
    public uint SyncValue { get; init; } = 0x20120707;

    /// <summary>How many responses the loader sends per SYNC (esptool reads the first and then seven more).</summary>
    public int SyncResponses { get; init; } = 8;

    /// <summary>What the chip magic register reads; the ESP32's by default, another chip's to test detection.</summary>
    public uint ChipMagic { get; init; } = Esp32RegisterFile.ESP32_MAGIC_VALUE;

    /// <summary>Seed for the random bytes of <see cref="RomFault.ReplyGarbage"/> and baud-mismatch noise.</summary>
    public int Seed { get; init; } = 1;
}
