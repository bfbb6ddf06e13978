using NodeFirmware.HostCommon.Partitions;

namespace NodeFirmware.Nodectl.Flashing;

/// <summary>
/// Checks on the images of a flash run that need no board connection, so a wrong command changes nothing.
/// Each returns the refusal to print (what is wrong and what to do), or null.
/// </summary>
public static class FlashImageChecks
{
    /// <summary>An image whose sectors pass the end of the chip; the ROM would refuse it with status 0x06 anyway.</summary>
    public static string? PastEnd(IEnumerable<FlashImage> images, long flashSize)
    {
        return images.Select(i => PastEnd(i.Name, i.Offset, i.Data.Length, flashSize)).FirstOrDefault(p => p is not null);
    }

    public static string? PastEnd(string name, uint offset, long length, long flashSize)
    {
        long end = offset + length;
        return end <= flashSize
            ? null
            : $"{name}: {length} bytes at 0x{offset:X} end at 0x{end:X}, past the end of the {flashSize / 1024} KB flash " +
              $"(0x{flashSize:X}); nothing was changed. Check the offset and size, or the flash size (--flash-size, --board)";
    }

    /// <summary>
    /// A binary partition table (its first entry starts with 0xAA 0x50) anywhere but the table offset, or
    /// something else at the table offset: either leaves a board whose bootloader finds no valid table.
    /// </summary>
    /// <param name="why">Where the table offset comes from, e.g. "board esp32-devkitc-v4's layout".</param>
    public static string? PartitionTablePlacement(IEnumerable<FlashImage> images, uint tableOffset, string why)
    {
        foreach (var image in images)
        {
            bool isTable = LooksLikePartitionTable(image.Data);
            if (isTable && image.Offset != tableOffset)
            {
                return $"{image.Name} is a partition table (starts with 0xAA 0x50) but would be written at 0x{image.Offset:X}; " +
                       $"the partition table belongs at 0x{tableOffset:X} ({why}): write it there (--image 0x{tableOffset:X}:{image.Name})";
            }

            if (!isTable && image.Offset == tableOffset)
            {
                return $"{image.Name} would be written at 0x{tableOffset:X}, where the partition table belongs ({why}), but it is not a " +
                       "partition table (no 0xAA 0x50 entry at its start); build one with `nodectl partitions build` and check the offsets";
            }
        }

        return null;
    }

    public static bool LooksLikePartitionTable(ReadOnlySpan<byte> data) =>
        data.Length >= PartitionBinary.EntrySize && data[0] == (PartitionBinary.EntryMagic & 0xFF) && data[1] == PartitionBinary.EntryMagic >> 8;
}
