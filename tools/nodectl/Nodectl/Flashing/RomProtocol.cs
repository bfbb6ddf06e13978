using System.Buffers.Binary;

namespace NodeFirmware.Nodectl.Flashing;

/// <summary>Fixed numbers of the ESP32 ROM serial loader protocol.</summary>
public static class RomProtocol
{
    public const byte DirectionRequest = 0x00;
    public const byte DirectionResponse = 0x01;
    public const int HeaderLength = 8;

    /// <summary>The ESP32 ROM ends every response with 4 status bytes (status, error, 2 reserved); the stub uses 2.</summary>
    public const int RomStatusLength = 4;

    /// <summary>Seed of the XOR checksum over the data of MEM_DATA, FLASH_DATA and FLASH_DEFL_DATA.</summary>
    public const byte ESP_CHECKSUM_MAGIC = 0xEF;

    /// <summary>The 16 bytes (size, sequence, 0, 0) before the data of a _DATA command.</summary>
    public const int DataCommandHeaderLength = 16;

    /// <summary>
    /// esptool's data packet for the ROM loader (its FLASH_WRITE_SIZE); also the unit it rounds a compressed write's
    /// erase size up to, which nodectl does too.
    /// </summary>
    public const int FLASH_WRITE_SIZE = 0x400;

    /// <summary>
    /// The packet esptool-js sends to the ROM loader (its FLASH_WRITE_SIZE, stub or not): 16 times fewer round trips
    /// than <see cref="FLASH_WRITE_SIZE"/>. nodectl's default packet; a plain write sends what does not fill a whole
    /// one as a packet of whole 4 KB sectors (see EspRomClient.WritePlain).
    /// </summary>
    public const int LARGE_FLASH_WRITE_SIZE = 0x4000;

    /// <summary>Most bytes one READ_FLASH_SLOW returns; the ROM always answers with a buffer of this size.</summary>
    public const int READ_FLASH_SLOW_BLOCK = 64;

    /// <summary>Largest RAM block per MEM_DATA (esptool's ESP_RAM_BLOCK).</summary>
    public const int ESP_RAM_BLOCK = 0x1800;

    /// <summary>Flash sector size, the unit the ROM erases.</summary>
    public const int FLASH_SECTOR_SIZE = 0x1000;

    /// <summary>Baud rate the ROM starts at after reset.</summary>
    public const int ESP_ROM_BAUD = 115200;

    /// <summary>SYNC payload: 07 07 12 20 followed by 32 bytes of 0x55.</summary>
    public static byte[] SyncPayload()
    {
        var payload = new byte[36];
        payload[0] = 0x07;
        payload[1] = 0x07;
        payload[2] = 0x12;
        payload[3] = 0x20;
        payload.AsSpan(4).Fill(0x55);
        return payload;
    }

    public static byte Checksum(ReadOnlySpan<byte> data)
    {
        byte state = ESP_CHECKSUM_MAGIC;
        foreach (byte b in data)
        {
            state ^= b;
        }

        return state;
    }

    /// <summary>Builds the unframed request packet: direction, command, size, checksum, data.</summary>
    public static byte[] BuildRequest(RomCommand command, ReadOnlySpan<byte> data, uint checksum = 0)
    {
        if (data.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"{command} data of {data.Length} bytes exceeds the 16-bit size field", nameof(data));
        }

        var packet = new byte[HeaderLength + data.Length];
        packet[0] = DirectionRequest;
        packet[1] = (byte)command;
        BinaryPrimitives.WriteUInt16LittleEndian(packet.AsSpan(2), (ushort)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(packet.AsSpan(4), checksum);
        data.CopyTo(packet.AsSpan(HeaderLength));
        return packet;
    }

    /// <summary>Little-endian 32-bit words, the shape of almost every command's data.</summary>
    public static byte[] Words(params uint[] words)
    {
        var data = new byte[words.Length * 4];
        for (int i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(i * 4), words[i]);
        }

        return data;
    }

    /// <summary>The data of FLASH_DATA / FLASH_DEFL_DATA / MEM_DATA: size, sequence, 0, 0, then the block.</summary>
    public static byte[] DataCommand(ReadOnlySpan<byte> block, uint sequence)
    {
        var data = new byte[DataCommandHeaderLength + block.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(0), (uint)block.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4), sequence);
        block.CopyTo(data.AsSpan(DataCommandHeaderLength));
        return data;
    }
}
