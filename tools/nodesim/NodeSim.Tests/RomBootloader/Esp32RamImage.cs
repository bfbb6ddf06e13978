using System.Buffers.Binary;

namespace NodeSim.Tests.RomBootloader;

/// <summary>
/// A minimal ESP32 application image (the format esptool's load_ram reads): 8-byte header (magic 0xE9, segment
/// count, flash mode, size/frequency, entry point), 16-byte extended header (WP pin 0xEE, no SHA-256 appended),
/// segments as (load address, length, data), then padding so the checksum byte (0xEF XOR all segment bytes) ends a
/// 16-byte boundary.
/// </summary>
internal static class Esp32RamImage
{
    public static byte[] Build(uint entry, params (uint Address, byte[] Data)[] segments)
    {
        var image = new List<byte> { 0xE9, (byte)segments.Length, 0x02, 0x20 };
        image.AddRange(Le(entry));
        image.Add(0xEE);
        image.AddRange(new byte[15]); // drive strengths, chip id 0 (ESP32), revisions, reserved, append_digest = 0
        byte checksum = 0xEF;
        foreach (var (address, data) in segments)
        {
            image.AddRange(Le(address));
            image.AddRange(Le((uint)data.Length));
            image.AddRange(data);
            foreach (byte b in data)
            {
                checksum ^= b;
            }
        }

        while (image.Count % 16 != 15)
        {
            image.Add(0);
        }

        image.Add(checksum);
        return image.ToArray();
    }

    private static byte[] Le(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }
}
