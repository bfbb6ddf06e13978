using System.Buffers.Binary;
using System.Security.Cryptography;

namespace NodeSim.Board;

/// <summary>One segment of an ESP32 image: where the loader copies it and its bytes (a multiple of 4 long).</summary>
public sealed record Esp32ImageSegment(uint LoadAddress, byte[] Data);

/// <summary>What <see cref="Esp32Image.Check"/> found: the header's fields, or why the image is not one.</summary>
public sealed record Esp32ImageInfo(uint FirstWord, byte FlashMode, byte FlashFrequency, uint Entry, IReadOnlyList<(uint LoadAddress, int Length)> Segments, string? Problem)
{
    public bool Valid => Problem is null;

    /// <summary>The SPI mode name the ROM prints ("mode:DIO").</summary>
    public string ModeName => FlashMode switch { 0 => "QIO", 1 => "QOUT", 2 => "DIO", 3 => "DOUT", _ => "DIO" };

    /// <summary>The SPI clock divider the ROM prints for the header's frequency (80 MHz / 1, 40 MHz / 2, 26 MHz / 3, 20 MHz / 4).</summary>
    public int ClockDivider => FlashFrequency switch { 0xF => 1, 0x1 => 3, 0x2 => 4, _ => 2 };
}

/// <summary>
/// The ESP32 firmware image format as esptool writes it and the ROM and the second-stage bootloader read it
/// (esptool's "Firmware Image Format"): an 8-byte header (magic 0xE9, segment count, SPI mode, size and frequency,
/// entry point), a 16-byte extended header (chip id 0 for the ESP32, "hash appended" in its last byte), the
/// segments (load address, length, data), zero padding up to a checksum byte at the last position of a 16-byte
/// block (0xEF XOR every data byte), then, when appended, the SHA-256 of everything before it.
/// </summary>
public static class Esp32Image
{
    public const byte Magic = 0xE9;
    public const int HeaderSize = 24;
    public const int MaxSegments = 16;
    public const byte ChecksumSeed = 0xEF;
    public const ushort Esp32ChipId = 0;
    private const byte DioMode = 2;
    private const byte Size4MbFreq40MHz = 0x20;

    public static byte[] Build(uint entry, IReadOnlyList<Esp32ImageSegment> segments, bool appendSha256 = true)
    {
        if (segments.Count is 0 or > MaxSegments)
        {
            throw new ArgumentException($"an ESP32 image has 1 to {MaxSegments} segments, not {segments.Count}", nameof(segments));
        }

        using var image = new MemoryStream();
        var header = new byte[HeaderSize];
        header[0] = Magic;
        header[1] = (byte)segments.Count;
        header[2] = DioMode;
        header[3] = Size4MbFreq40MHz;
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), entry);
        header[8] = 0xEE; // WP pin: not used
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(12), Esp32ChipId);
        header[23] = appendSha256 ? (byte)1 : (byte)0;
        image.Write(header);
        byte checksum = ChecksumSeed;
        foreach (var segment in segments)
        {
            if (segment.Data.Length % 4 != 0)
            {
                throw new ArgumentException($"segment at 0x{segment.LoadAddress:x8} is {segment.Data.Length} bytes, not a multiple of 4", nameof(segments));
            }

            var segmentHeader = new byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(segmentHeader, segment.LoadAddress);
            BinaryPrimitives.WriteUInt32LittleEndian(segmentHeader.AsSpan(4), (uint)segment.Data.Length);
            image.Write(segmentHeader);
            image.Write(segment.Data);
            foreach (byte b in segment.Data)
            {
                checksum ^= b;
            }
        }

        while (image.Length % 16 != 15)
        {
            image.WriteByte(0);
        }

        image.WriteByte(checksum);
        if (appendSha256)
        {
            image.Write(SHA256.HashData(image.ToArray()));
        }

        return image.ToArray();
    }

    /// <summary>Reads and checks the image at the start of <paramref name="area"/> (magic, chip, segment bounds, checksum, hash).</summary>
    public static Esp32ImageInfo Check(ReadOnlySpan<byte> area)
    {
        if (area.Length < HeaderSize)
        {
            return new Esp32ImageInfo(0, 0, 0, 0, [], "the area is shorter than an image header");
        }

        uint firstWord = BinaryPrimitives.ReadUInt32LittleEndian(area);
        byte mode = area[2];
        byte frequency = (byte)(area[3] & 0x0F);
        uint entry = BinaryPrimitives.ReadUInt32LittleEndian(area[4..]);
        var segments = new List<(uint, int)>();
        Esp32ImageInfo Fail(string problem) => new(firstWord, mode, frequency, entry, segments, problem);
        if (area[0] != Magic)
        {
            return Fail($"invalid magic byte 0x{area[0]:x2}");
        }

        int count = area[1];
        if (count is 0 or > MaxSegments)
        {
            return Fail($"{count} segments (1 to {MaxSegments} allowed)");
        }

        ushort chip = BinaryPrimitives.ReadUInt16LittleEndian(area[12..]);
        if (chip != Esp32ChipId)
        {
            return Fail($"chip id {chip} is not the ESP32's ({Esp32ChipId})");
        }

        int at = HeaderSize;
        byte checksum = ChecksumSeed;
        for (int i = 0; i < count; i++)
        {
            if (at + 8 > area.Length)
            {
                return Fail($"segment {i} header runs past the end of the area");
            }

            uint load = BinaryPrimitives.ReadUInt32LittleEndian(area[at..]);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(area[(at + 4)..]);
            at += 8;
            if (length > (uint)(area.Length - at))
            {
                return Fail($"segment {i} ({length} bytes at 0x{load:x8}) runs past the end of the area");
            }

            segments.Add((load, (int)length));
            foreach (byte b in area.Slice(at, (int)length))
            {
                checksum ^= b;
            }

            at += (int)length;
        }

        at += 15 - (at % 16);
        if (at >= area.Length)
        {
            return Fail("the checksum byte is past the end of the area");
        }

        if (area[at] != checksum)
        {
            return Fail($"checksum 0x{area[at]:x2} does not match the data (0x{checksum:x2})");
        }

        at++;
        if (area[23] == 1)
        {
            if (at + 32 > area.Length)
            {
                return Fail("the appended SHA-256 is past the end of the area");
            }

            if (!SHA256.HashData(area[..at]).AsSpan().SequenceEqual(area.Slice(at, 32)))
            {
                return Fail("the appended SHA-256 does not match the image");
            }
        }

        return new Esp32ImageInfo(firstWord, mode, frequency, entry, segments, null);
    }
}
