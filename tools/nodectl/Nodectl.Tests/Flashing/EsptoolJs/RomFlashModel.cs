using NodeSim.RomBootloader;

namespace NodeFirmware.Nodectl.Tests.Flashing.EsptoolJs;

/// <summary>
/// What the flash must hold after ROM loader commands, computed from the ROM's rules rather than by the
/// simulator: FLASH_BEGIN / FLASH_DEFL_BEGIN erase the 4 KiB sectors covering [offset, offset + erase size)
/// (Espressif's serial-protocol doc; ESP-IDF esp_rom_spiflash_erase_area), programming ANDs bytes into the cells.
/// </summary>
internal sealed class RomFlashModel(byte[] contents)
{
    /// <summary>esptool's packet size for the ESP32 ROM (loader.py FLASH_WRITE_SIZE).</summary>
    public const int ROM_FLASH_WRITE_SIZE = 0x400;

    public const int FLASH_SECTOR_SIZE = 0x1000;

    private readonly List<long> _erasedSectors = new();

    public byte[] Bytes { get; } = contents;

    public static RomFlashModel Blank(int size)
    {
        var bytes = new byte[size];
        bytes.AsSpan().Fill(0xFF);
        return new RomFlashModel(bytes);
    }

    public void EraseSectors(long offset, long length)
    {
        long sectors = (length + FLASH_SECTOR_SIZE - 1) / FLASH_SECTOR_SIZE;
        Bytes.AsSpan((int)offset, (int)(sectors * FLASH_SECTOR_SIZE)).Fill(0xFF);
        for (long i = 0; i < sectors; i++)
        {
            _erasedSectors.Add(offset + (i * FLASH_SECTOR_SIZE));
        }
    }

    public void Program(long offset, ReadOnlySpan<byte> data)
    {
        for (int i = 0; i < data.Length; i++)
        {
            Bytes[offset + i] &= data[i];
        }
    }

    /// <summary>
    /// esptool's write_flash to the ROM: the image padded to 4 bytes; the erase size announced is the image size
    /// (plain) or the image size rounded up to FLASH_WRITE_SIZE (compressed), esptool loader.py flash_begin /
    /// flash_defl_begin.
    /// </summary>
    public void WriteLikeEsptool(long offset, byte[] image, bool compressed)
    {
        int padded = (image.Length + 3) / 4 * 4;
        long eraseSize = compressed ? (padded + ROM_FLASH_WRITE_SIZE - 1) / ROM_FLASH_WRITE_SIZE * ROM_FLASH_WRITE_SIZE : padded;
        EraseSectors(offset, eraseSize);
        Program(offset, image);
    }

    /// <summary>
    /// Byte-for-byte over the whole chip, and the simulator's record of erased sectors equals the sectors these
    /// rules erase, in order; the message names the first sectors that differ.
    /// </summary>
    public void AssertMatches(SimulatedSpiFlash flash)
    {
        Assert.Equal(
            _erasedSectors.Select(a => $"0x{a:X}"),
            flash.ErasedSectors.Select(s => $"0x{s.Address:X}"));

        var actual = flash.Contents;
        Assert.Equal(Bytes.Length, actual.Length);
        var differing = new List<string>();
        for (int sector = 0; sector < Bytes.Length && differing.Count < 8; sector += FLASH_SECTOR_SIZE)
        {
            var expected = Bytes.AsSpan(sector, FLASH_SECTOR_SIZE);
            var got = actual.Slice(sector, FLASH_SECTOR_SIZE);
            int at = expected.CommonPrefixLength(got);
            if (at < FLASH_SECTOR_SIZE)
            {
                bool erased = got.IndexOfAnyExcept((byte)0xFF) < 0;
                differing.Add($"0x{sector + at:X}: expected 0x{expected[at]:X2}, flash has 0x{got[at]:X2}{(erased ? " (sector erased)" : "")}");
            }
        }

        Assert.True(differing.Count == 0, "the simulated flash differs from the ROM's rules at " + string.Join("; ", differing));
    }
}
