namespace NodeFirmware.Nodectl.Flashing;

/// <summary>
/// Writes and erases that cover whole 4 KiB sectors and nothing else. The ESP32 ROM loader erases, at
/// FLASH_BEGIN / FLASH_DEFL_BEGIN, the ceil(erase size / 4096) sectors from the offset, which must be
/// sector-aligned (Espressif's serial-protocol doc; ESP-IDF's esp_rom_spiflash_erase_area), and programs every
/// byte of every FLASH_DATA packet, padding included (esptool's loader.py pads the last packet with 0xFF). So a
/// run announced with its exact sector size, and plain packets that divide it, erase and program only that run.
/// </summary>
public sealed partial class EspRomClient
{
    /// <summary>
    /// Erases [offset, offset + size): FLASH_BEGIN with that size and no packets, since the ROM loader has no
    /// ERASE_REGION (that is the esptool stub's). Both must be multiples of 4 KiB.
    /// </summary>
    public void EraseRegion(uint offset, uint size)
    {
        EnsureConnected();
        RequireSectors(offset, size, "erase");
        var timeout = _options.ScaledTimeout(_options.EraseRegionSecondsPerMb, size);
        Channel.Execute(
            RomCommand.FLASH_BEGIN,
            RomProtocol.Words(size, 0, (uint)_options.FlashBlockSize, offset),
            0,
            timeout,
            $" erasing 0x{offset:X}+0x{size:X}");
    }

    /// <summary>
    /// Erases exactly the sectors of <paramref name="run"/> and writes <paramref name="data"/> (the run's full
    /// contents) there, deflated or plain; returns the data bytes sent (compressed or packet bytes).
    /// </summary>
    public int WriteSectorRun(SectorRun run, byte[] data, bool compress, string name, Action<long>? written = null)
    {
        EnsureConnected();
        RequireSectors(run.Offset, run.Length, "write");
        if (data.Length != run.Length)
        {
            throw new ArgumentException($"{data.Length} bytes for a run of {run.Length}", nameof(data));
        }

        var label = new FlashImage(run.Offset, data, $"{name} {run}");
        return compress ? WriteDeflatedRun(label, written) : WritePlainRun(label, written);
    }

    private int WriteDeflatedRun(FlashImage run, Action<long>? written) => SendDeflated(run, run.Data, written);

    private int WritePlainRun(FlashImage run, Action<long>? written)
    {
        // Every packet is programmed whole, so the packet size must divide the run: a padded last packet would
        // program 0xFF into the unerased sector after it (ROM status 0x08).
        int blockSize = run.Data.Length % _options.FlashBlockSize == 0 ? _options.FlashBlockSize : RomProtocol.FLASH_SECTOR_SIZE;
        int blocks = run.Data.Length / blockSize;
        Channel.Execute(
            RomCommand.FLASH_BEGIN,
            RomProtocol.Words((uint)run.Data.Length, (uint)blocks, (uint)blockSize, run.Offset),
            0,
            _options.ScaledTimeout(_options.EraseRegionSecondsPerMb, run.Data.Length),
            $" for {run.Name}");

        var timeout = _options.ScaledTimeout(_options.EraseWriteSecondsPerMb, blockSize);
        for (int seq = 0; seq < blocks; seq++)
        {
            SendBlock(RomCommand.FLASH_DATA, run.Data.AsSpan(seq * blockSize, blockSize).ToArray(), seq, seq, blocks, timeout, run);
            written?.Invoke((seq + 1L) * blockSize);
        }

        return run.Data.Length;
    }

    private static void RequireSectors(uint offset, uint size, string what)
    {
        if (offset % RomProtocol.FLASH_SECTOR_SIZE != 0 || size % RomProtocol.FLASH_SECTOR_SIZE != 0)
        {
            throw new FlashingException(
                $"cannot {what} 0x{offset:X}+0x{size:X}: the ROM loader erases whole 4 KiB sectors, so offset and size must be multiples of 0x1000");
        }
    }
}
