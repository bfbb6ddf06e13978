namespace NodeSim.RomBootloader;

/// <summary>The simulated board: flash size, factory MAC, the largest data block the loader buffers, its clocks.</summary>
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

    /// <summary>
    /// Time from EN's release until the chip samples IO0 and boots. EN rises through an RC network: Espressif's
    /// ESP32 hardware design guidelines recommend R = 10 kΩ and C = 1 µF on CHIP_PU, and the pin reads high at
    /// 0.75 VDD (the datasheet's input-high level) after RC · ln 4 ≈ 14 ms. Zero boots at the instant EN is released.
    /// </summary>
    public TimeSpan EnRcDelay { get; init; } = TimeSpan.FromMilliseconds(14);

    /// <summary>The clock that times <see cref="EnRcDelay"/>; tests pass a fake one to stay deterministic.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// The crystal frequency the ROM computes at boot from its internal 8 MHz oscillator (see <see cref="Esp32RomClock"/>).
    /// Real boards read a little off 40 MHz; 1.5 % high by default, so a client that does not compensate still gets
    /// through (the chip runs 1.5 % slow after CHANGE_BAUDRATE), as on real boards. Tests raise it to make an
    /// uncompensated client fail.
    /// </summary>
    public double RomCrystalEstimateHz { get; init; } = 40_600_000;

    /// <summary>eFuse EFUSE_RD_CK8M_FREQ (word 4, bits 7..0), the other factor of the ROM's computation.</summary>
    public byte Ck8mFreqEfuse { get; init; } = 80;
}
