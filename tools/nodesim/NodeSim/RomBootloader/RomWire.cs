namespace NodeSim.RomBootloader;

/// <summary>Protocol numbers of the ESP32 ROM serial loader, named as in Espressif's serial protocol docs.</summary>
public static class RomWire
{
    public const byte SLIP_END = 0xC0;
    public const byte SLIP_ESC = 0xDB;
    public const byte SLIP_ESC_END = 0xDC;
    public const byte SLIP_ESC_ESC = 0xDD;

    public const byte FLASH_BEGIN = 0x02;
    public const byte FLASH_DATA = 0x03;
    public const byte FLASH_END = 0x04;
    public const byte MEM_BEGIN = 0x05;
    public const byte MEM_END = 0x06;
    public const byte MEM_DATA = 0x07;
    public const byte SYNC = 0x08;
    public const byte WRITE_REG = 0x09;
    public const byte READ_REG = 0x0A;
    public const byte SPI_SET_PARAMS = 0x0B;
    public const byte SPI_ATTACH = 0x0D;
    public const byte READ_FLASH_SLOW = 0x0E;
    public const byte CHANGE_BAUDRATE = 0x0F;
    public const byte FLASH_DEFL_BEGIN = 0x10;
    public const byte FLASH_DEFL_DATA = 0x11;
    public const byte FLASH_DEFL_END = 0x12;
    public const byte SPI_FLASH_MD5 = 0x13;

    /// <summary>ROM loader error bytes (sent after status 1).</summary>
    public const byte ERR_INVALID_MESSAGE = 0x05;
    public const byte ERR_FAILED_TO_ACT = 0x06;
    public const byte ERR_INVALID_CRC = 0x07;
    public const byte ERR_FLASH_WRITE = 0x08;
    public const byte ERR_FLASH_READ = 0x09;
    public const byte ERR_FLASH_READ_LENGTH = 0x0A;
    public const byte ERR_DEFLATE = 0x0B;

    public const byte ESP_CHECKSUM_MAGIC = 0xEF;
    public const int FLASH_SECTOR_SIZE = 0x1000;
    public const int ESP_ROM_BAUD = 115200;

    /// <summary>Most bytes one READ_FLASH_SLOW returns (esptool's ROM read limit per command).</summary>
    public const int READ_FLASH_SLOW_BLOCK = 64;

    public static byte Checksum(ReadOnlySpan<byte> data)
    {
        byte state = ESP_CHECKSUM_MAGIC;
        foreach (byte b in data)
        {
            state ^= b;
        }

        return state;
    }

    public static byte[] SlipEncode(ReadOnlySpan<byte> packet)
    {
        var frame = new List<byte>(packet.Length + 8) { SLIP_END };
        foreach (byte b in packet)
        {
            if (b == SLIP_END)
            {
                frame.Add(SLIP_ESC);
                frame.Add(SLIP_ESC_END);
            }
            else if (b == SLIP_ESC)
            {
                frame.Add(SLIP_ESC);
                frame.Add(SLIP_ESC_ESC);
            }
            else
            {
                frame.Add(b);
            }
        }

        frame.Add(SLIP_END);
        return frame.ToArray();
    }
}
