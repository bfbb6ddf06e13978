namespace NodeFirmware.Nodectl.Flashing;

/// <summary>ESP32 addresses the host reads through READ_REG/WRITE_REG (ESP32 TRM, esptool's target definition).</summary>
public static class Esp32Registers
{
    /// <summary>A ROM address whose content differs per chip model.</summary>
    public const uint CHIP_DETECT_MAGIC_REG_ADDR = 0x40001000;

    public const uint ESP32_MAGIC_VALUE = 0x00F01D83;

    /// <summary>EFUSE_BLK0_RDATA0_REG; word n is at base + 4n.</summary>
    public const uint EFUSE_RD_REG_BASE = 0x3FF5A000;

    /// <summary>Word 1: factory MAC bytes 2..5 (byte 2 in the top bits).</summary>
    public const uint EFUSE_BLK0_RDATA1_REG = EFUSE_RD_REG_BASE + 4;

    /// <summary>Word 2: factory MAC bytes 0..1 in bits 15..0, the MAC CRC in bits 23..16.</summary>
    public const uint EFUSE_BLK0_RDATA2_REG = EFUSE_RD_REG_BASE + 8;

    /// <summary>Word 4: EFUSE_RD_CK8M_FREQ in bits 7..0, a factor of the ROM's crystal estimate.</summary>
    public const uint EFUSE_BLK0_RDATA4_REG = EFUSE_RD_REG_BASE + 16;

    public const uint UART_CLKDIV_REG = 0x3FF40014;

    /// <summary>TIMG_RTCCALICFG1: the ROM's clock calibration result, TIMERS_RTC_CALI_VALUE in bits 31..7.</summary>
    public const uint RTCCALICFG1 = 0x3FF5F06C;
    public const uint TIMERS_RTC_CALI_VALUE = 0x01FFFFFF;
    public const int TIMERS_RTC_CALI_VALUE_S = 7;

    public const uint SPI_REG_BASE = 0x3FF42000;
    public const uint SPI_CMD_REG = SPI_REG_BASE + 0x00;
    public const uint SPI_USR_REG = SPI_REG_BASE + 0x1C;
    public const uint SPI_USR1_REG = SPI_REG_BASE + 0x20;
    public const uint SPI_USR2_REG = SPI_REG_BASE + 0x24;
    public const uint SPI_MOSI_DLEN_REG = SPI_REG_BASE + 0x28;
    public const uint SPI_MISO_DLEN_REG = SPI_REG_BASE + 0x2C;
    public const uint SPI_W0_REG = SPI_REG_BASE + 0x80;

    public const uint SPI_CMD_USR = 1u << 18;
    public const uint SPI_USR_COMMAND = 1u << 31;
    public const uint SPI_USR_MISO = 1u << 28;
    public const int SPI_USR2_COMMAND_LEN_SHIFT = 28;

    /// <summary>JEDEC "read identification" flash command.</summary>
    public const byte SPIFLASH_RDID = 0x9F;
}
