namespace NodeSim.RomBootloader;

/// <summary>
/// The handful of ESP32 registers a flashing host reads: the chip magic word, efuse block 0 (factory MAC, CK8M
/// frequency), the RTC clock calibration result, the UART clock divider and the SPI peripheral's user-command
/// registers, enough to answer a JEDEC RDID. Other addresses read back what was last written, or 0.
/// </summary>
public sealed class Esp32RegisterFile
{
    public const uint CHIP_DETECT_MAGIC_REG_ADDR = 0x40001000;
    public const uint ESP32_MAGIC_VALUE = 0x00F01D83;
    public const uint EFUSE_RD_REG_BASE = 0x3FF5A000;
    public const uint EFUSE_BLK0_RDATA4_REG = EFUSE_RD_REG_BASE + 16;
    public const uint UART_CLKDIV_REG = 0x3FF40014;
    public const uint RTCCALICFG1 = 0x3FF5F06C;
    public const uint SPI_REG_BASE = 0x3FF42000;
    public const uint SPI_CMD_REG = SPI_REG_BASE + 0x00;
    public const uint SPI_USR2_REG = SPI_REG_BASE + 0x24;
    public const uint SPI_W0_REG = SPI_REG_BASE + 0x80;
    public const uint SPI_CMD_USR = 1u << 18;
    public const byte SPIFLASH_RDID = 0x9F;

    private readonly Dictionary<uint, uint> _words = new();
    private readonly SimulatedSpiFlash _flash;

    public Esp32RegisterFile(SimulatedSpiFlash flash, ReadOnlySpan<byte> mac, uint chipMagic = ESP32_MAGIC_VALUE, Esp32RomClock? clock = null)
    {
        clock ??= new Esp32RomClock(Esp32RomClock.CrystalHz, 80);
        if (mac.Length != 6)
        {
            throw new ArgumentException("the factory MAC has 6 bytes", nameof(mac));
        }

        _flash = flash;
        _words[CHIP_DETECT_MAGIC_REG_ADDR] = chipMagic;
        // Efuse word 1: MAC bytes 2..5, word 2: MAC bytes 0..1 (bits 15..0); the CRC byte (bits 23..16) is left 0.
        _words[EFUSE_RD_REG_BASE + 4] = (uint)(mac[2] << 24 | mac[3] << 16 | mac[4] << 8 | mac[5]);
        _words[EFUSE_RD_REG_BASE + 8] = (uint)(mac[0] << 8 | mac[1]);
        _words[EFUSE_BLK0_RDATA4_REG] = clock.Ck8mFreqEfuse;
        _words[RTCCALICFG1] = clock.RtcCaliCfg1;
        SetUartDivider(Esp32RomClock.DividerX16(clock.RomFrequencyHz, RomWire.ESP_ROM_BAUD));
    }

    /// <summary>The UART0 divider in 1/16 steps, as UART_CLKDIV_REG holds it.</summary>
    public uint UartDividerX16 => Esp32RomClock.DividerX16FromRegister(Read(UART_CLKDIV_REG));

    public void SetUartDivider(uint dividerX16) => _words[UART_CLKDIV_REG] = Esp32RomClock.ClkDivRegister(dividerX16);

    public uint Read(uint address) => _words.TryGetValue(address, out uint value) ? value : 0;

    public void Write(uint address, uint value, uint mask)
    {
        uint old = Read(address);
        uint merged = (old & ~mask) | (value & mask);
        if (address is CHIP_DETECT_MAGIC_REG_ADDR or RTCCALICFG1 || (address >= EFUSE_RD_REG_BASE && address < EFUSE_RD_REG_BASE + 0x100))
        {
            return; // ROM, efuse read registers and the calibration result ignore writes
        }

        _words[address] = merged;
        if (address == SPI_CMD_REG && (merged & SPI_CMD_USR) != 0)
        {
            RunSpiUserCommand();
        }
    }

    private void RunSpiUserCommand()
    {
        byte command = (byte)Read(SPI_USR2_REG);
        if (command == SPIFLASH_RDID)
        {
            _words[SPI_W0_REG] = _flash.JedecId;
        }

        _words[SPI_CMD_REG] = Read(SPI_CMD_REG) & ~SPI_CMD_USR; // the peripheral clears USR when done
    }
}
