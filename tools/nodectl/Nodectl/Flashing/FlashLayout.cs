namespace NodeFirmware.Nodectl.Flashing;

/// <summary>
/// What the ESP32 ROM loader can write, checked before anything is sent (a refusal changes nothing). The ROM starts a
/// write only on a 4 KB sector boundary (ESP-IDF esp_rom_spiflash_erase_area) and erases whole sectors, so images
/// must start on one and may not share one; and with a known flash size each must end inside the chip.
/// </summary>
public static class FlashLayout
{
    public static void Check(IReadOnlyList<FlashImage> images, uint? flashSize = null)
    {
        if (images.Count == 0)
        {
            throw new FlashingException("no image to flash");
        }

        const int sector = RomProtocol.FLASH_SECTOR_SIZE;
        var sorted = images.OrderBy(i => i.Offset).ToList();
        for (int i = 0; i < sorted.Count; i++)
        {
            var image = sorted[i];
            if (image.Offset % sector != 0)
            {
                uint below = image.Offset / sector * sector;
                throw new FlashingException(
                    $"{image.Name}: offset 0x{image.Offset:X} is not aligned to a 4 KB flash sector; the ESP32 ROM loader can only start " +
                    $"a write on a sector boundary (a multiple of 0x1000), so nothing was written. Use the offset of the image's " +
                    $"partition, e.g. 0x{below:X} or 0x{below + sector:X}");
            }

            if (image.Data.Length == 0)
            {
                throw new FlashingException($"{image.Name} is empty; nothing was written");
            }

            long end = image.Offset + (long)image.Data.Length;
            if (flashSize is { } size && end > size)
            {
                throw new FlashingException(
                    $"{image.Name}: {image.Data.Length} bytes at 0x{image.Offset:X} end at 0x{end:X}, past the end of the " +
                    $"{size / 1024} KB flash (0x{size:X}); nothing was written. Check the offset, the image, or --flash-size");
            }

            if (i > 0)
            {
                var previous = sorted[i - 1];
                long previousEnd = (previous.Offset + (long)previous.Data.Length + sector - 1) / sector * sector;
                if (image.Offset < previousEnd)
                {
                    throw new FlashingException(
                        $"{image.Name} at 0x{image.Offset:X} overlaps the sectors of {previous.Name} (0x{previous.Offset:X}..0x{previousEnd:X}); " +
                        "nothing was written");
                }
            }
        }
    }
}
