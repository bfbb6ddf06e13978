using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace NodeFirmware.Nodectl.Flashing;

/// <summary>
/// Talks to the ESP32 ROM serial loader (no stub): reset into download mode and SYNC, chip detection, efuse MAC,
/// SPI flash attach, flashing (plain or deflated) with per-block retries, and MD5 verification.
/// </summary>
public sealed partial class EspRomClient
{
    private readonly ISerialLink _link;
    private readonly EspRomClientOptions _options;

    public EspRomClient(ISerialLink link, EspRomClientOptions? options = null)
    {
        _link = link;
        _options = options ?? new EspRomClientOptions();
        if (_options.FlashBlockSize <= 0 || _options.FlashBlockSize % 4 != 0)
        {
            throw new ArgumentException($"flash block size {_options.FlashBlockSize} must be a positive multiple of 4", nameof(options));
        }

        Channel = new RomCommandChannel(link);
    }

    public RomCommandChannel Channel { get; }

    public EspRomClientOptions Options => _options;

    public bool Connected { get; private set; }

    /// <summary>Resets the chip into the ROM loader and SYNCs; retries with a longer reset delay, like esptool.</summary>
    public void Connect()
    {
        string lastProblem = "no attempt made";
        string bootText = "";
        for (int attempt = 0; attempt < _options.ConnectAttempts; attempt++)
        {
            Channel.Flush();
            var delay = _options.ResetDelay + (attempt % 2 == 1 ? TimeSpan.FromMilliseconds(500) : TimeSpan.Zero);
            BootloaderReset.IntoBootloader(_link, _options.ResetHold, delay, _options.Sleep);
            bootText = Channel.CollectBootOutput(TimeSpan.FromMilliseconds(20));
            for (int sync = 0; sync < _options.SyncAttemptsPerReset; sync++)
            {
                try
                {
                    var response = Channel.Execute(RomCommand.SYNC, RomProtocol.SyncPayload(), 0, _options.SyncTimeout);
                    if (response.Value == 0)
                    {
                        throw new RomProtocolException(
                            "SYNC was answered with value 0, which is the esptool flasher stub, not the ROM loader; power-cycle the board");
                    }

                    // The ROM answers a SYNC several times; let the rest arrive and drop them.
                    Channel.Drain(TimeSpan.FromMilliseconds(10));
                    Connected = true;
                    return;
                }
                catch (RomTimeoutException e)
                {
                    lastProblem = e.Message;
                }
            }
        }

        throw new RomTimeoutException(DescribeConnectFailure(lastProblem, bootText));
    }

    private string DescribeConnectFailure(string lastProblem, string bootText)
    {
        var prefix = $"could not connect to the ESP32 ROM loader on {_link.Name} after {_options.ConnectAttempts} reset attempts";
        var mode = BootMessages.BootModeOf(bootText);
        if (mode is not null && !BootMessages.SaysWaitingForDownload(bootText))
        {
            return $"{prefix}: the chip booted in mode {mode}, not download mode; the DTR/RTS auto-reset did not hold IO0 low " +
                   "(hold BOOT while tapping EN, or check the auto-reset circuit)";
        }

        if (mode is not null)
        {
            return $"{prefix}: the chip is waiting for download but does not answer SYNC; the serial TX path may be down";
        }

        return $"{prefix}: {lastProblem}";
    }

    public uint ReadReg(uint address)
    {
        EnsureConnected();
        return Channel.Execute(RomCommand.READ_REG, RomProtocol.Words(address), 0, _options.DefaultTimeout, $" at 0x{address:X8}").Value;
    }

    public void WriteReg(uint address, uint value, uint mask = 0xFFFFFFFF, uint delayMicroseconds = 0)
    {
        EnsureConnected();
        Channel.Execute(RomCommand.WRITE_REG, RomProtocol.Words(address, value, mask, delayMicroseconds), 0, _options.DefaultTimeout, $" at 0x{address:X8}");
    }

    /// <summary>Reads the chip magic register; only the ESP32 is supported.</summary>
    public string DetectChip()
    {
        uint magic = ReadReg(Esp32Registers.CHIP_DETECT_MAGIC_REG_ADDR);
        if (magic != Esp32Registers.ESP32_MAGIC_VALUE)
        {
            throw new FlashingException(
                $"unsupported chip: magic register 0x{Esp32Registers.CHIP_DETECT_MAGIC_REG_ADDR:X8} reads 0x{magic:X8}, the ESP32 reads 0x{Esp32Registers.ESP32_MAGIC_VALUE:X8}");
        }

        return "ESP32";
    }

    public EspMacAddress ReadMac()
    {
        uint word1 = ReadReg(Esp32Registers.EFUSE_BLK0_RDATA1_REG);
        uint word2 = ReadReg(Esp32Registers.EFUSE_BLK0_RDATA2_REG);
        return EspMacAddress.FromEsp32Efuse(word1, word2);
    }

    /// <summary>SPI_ATTACH; the ROM loader takes a second word (zero) after the pin configuration.</summary>
    public void AttachSpiFlash(uint pinConfig = 0)
    {
        EnsureConnected();
        Channel.Execute(RomCommand.SPI_ATTACH, RomProtocol.Words(pinConfig, 0), 0, _options.DefaultTimeout);
    }

    /// <summary>SPI_SET_PARAMS: id, total size, block 64 KB, sector 4 KB, page 256 B, status mask, as esptool sends.</summary>
    public void SetFlashParameters(uint totalSize)
    {
        EnsureConnected();
        Channel.Execute(RomCommand.SPI_SET_PARAMS, RomProtocol.Words(0, totalSize, 64 * 1024, 4 * 1024, 256, 0xFFFF), 0, _options.DefaultTimeout);
    }

    /// <summary>The JEDEC id of the SPI flash (manufacturer in the low byte), read through the SPI peripheral's user command.</summary>
    public uint ReadFlashId()
    {
        uint oldUsr = ReadReg(Esp32Registers.SPI_USR_REG);
        uint oldUsr2 = ReadReg(Esp32Registers.SPI_USR2_REG);
        WriteReg(Esp32Registers.SPI_MISO_DLEN_REG, 24 - 1);
        WriteReg(Esp32Registers.SPI_USR_REG, Esp32Registers.SPI_USR_COMMAND | Esp32Registers.SPI_USR_MISO);
        WriteReg(Esp32Registers.SPI_USR2_REG, (7u << Esp32Registers.SPI_USR2_COMMAND_LEN_SHIFT) | Esp32Registers.SPIFLASH_RDID);
        WriteReg(Esp32Registers.SPI_W0_REG, 0);
        WriteReg(Esp32Registers.SPI_CMD_REG, Esp32Registers.SPI_CMD_USR);
        for (int i = 0; ; i++)
        {
            if ((ReadReg(Esp32Registers.SPI_CMD_REG) & Esp32Registers.SPI_CMD_USR) == 0)
            {
                break;
            }

            if (i == 10)
            {
                throw new FlashingException("SPI flash RDID command did not complete");
            }
        }

        uint id = ReadReg(Esp32Registers.SPI_W0_REG) & 0xFFFFFF;
        WriteReg(Esp32Registers.SPI_USR_REG, oldUsr);
        WriteReg(Esp32Registers.SPI_USR2_REG, oldUsr2);
        return id;
    }

    /// <summary>CHANGE_BAUDRATE (second word 0 for the ROM), then switches the host side and checks the chip still answers.</summary>
    public void ChangeBaudRate(int baudRate)
    {
        EnsureConnected();
        ArgumentOutOfRangeException.ThrowIfLessThan(baudRate, 300);
        Channel.Execute(RomCommand.CHANGE_BAUDRATE, RomProtocol.Words((uint)baudRate, 0), 0, _options.DefaultTimeout);
        _link.SetBaudRate(baudRate);
        _options.Sleep(TimeSpan.FromMilliseconds(50));
        try
        {
            ReadReg(Esp32Registers.CHIP_DETECT_MAGIC_REG_ADDR);
        }
        catch (FlashingException e)
        {
            throw new FlashingException($"the chip stopped answering after switching to {baudRate} baud; try a lower --baud", e);
        }
    }

    /// <summary>Writes the images in order; with <paramref name="verify"/>, compares SPI_FLASH_MD5 with a local MD5 of each.</summary>
    public IReadOnlyList<FlashImageResult> WriteFlash(
        IReadOnlyList<FlashImage> images, bool compress, bool verify, Action<FlashProgress>? progress = null)
    {
        EnsureConnected();
        CheckLayout(images);
        var results = new List<FlashImageResult>();
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            var padded = PadTo4(image.Data);
            int sent = compress
                ? WriteDeflated(image, padded, i, images.Count, progress)
                : WritePlain(image, padded, i, images.Count, progress);
            string? md5 = null;
            if (verify)
            {
                progress?.Invoke(new FlashProgress(i, images.Count, image.Name, padded.Length, padded.Length, "verifying"));
                md5 = Verify(image, padded);
            }

            results.Add(new FlashImageResult(image, sent, compress, md5));
        }

        return results;
    }

    /// <summary>SPI_FLASH_MD5 of a flash region, as lower-case hex (the ROM sends 32 hex characters).</summary>
    public string FlashMd5(uint address, uint size)
    {
        EnsureConnected();
        var timeout = _options.ScaledTimeout(_options.Md5SecondsPerMb, size);
        var response = Retry(
            $"SPI_FLASH_MD5 of 0x{address:X}+{size}",
            () => Channel.Execute(RomCommand.SPI_FLASH_MD5, RomProtocol.Words(address, size, 0, 0), 0, timeout, $" of 0x{address:X}+{size}"));
        var payload = response.Payload(Channel.StatusLength);
        if (payload.Length != 32)
        {
            throw new RomProtocolException($"SPI_FLASH_MD5 answered with {payload.Length} data bytes; the ROM loader sends 32 hex characters");
        }

        string hex = Encoding.ASCII.GetString(payload).ToLowerInvariant();
        if (!hex.All(Uri.IsHexDigit))
        {
            throw new RomProtocolException($"SPI_FLASH_MD5 answered with non-hex text \"{hex}\"");
        }

        return hex;
    }

    /// <summary>Pulses EN with IO0 high so the new firmware runs.</summary>
    public void HardReset()
    {
        BootloaderReset.HardReset(_link, _options.ResetHold, _options.Sleep);
        Connected = false;
    }

    private int WritePlain(FlashImage image, byte[] data, int index, int count, Action<FlashProgress>? progress)
    {
        int blockSize = _options.FlashBlockSize;
        int blocks = (data.Length + blockSize - 1) / blockSize;
        var eraseTimeout = _options.ScaledTimeout(_options.EraseRegionSecondsPerMb, data.Length);
        Channel.Execute(
            RomCommand.FLASH_BEGIN,
            RomProtocol.Words((uint)data.Length, (uint)blocks, (uint)blockSize, image.Offset),
            0,
            eraseTimeout,
            $" for {image.Name} at 0x{image.Offset:X}");

        var blockTimeout = _options.ScaledTimeout(_options.EraseWriteSecondsPerMb, blockSize);
        var block = new byte[blockSize];
        int sent = 0;
        for (int seq = 0; seq < blocks; seq++)
        {
            int start = seq * blockSize;
            int length = Math.Min(blockSize, data.Length - start);
            block.AsSpan().Fill(0xFF); // the last block is padded to the block size with 0xFF
            data.AsSpan(start, length).CopyTo(block);
            SendBlock(RomCommand.FLASH_DATA, block, seq, blocks, blockTimeout, image);
            sent += block.Length;
            progress?.Invoke(new FlashProgress(index, count, image.Name, start + length, data.Length, "writing"));
        }

        return sent;
    }

    private int WriteDeflated(FlashImage image, byte[] data, int index, int count, Action<FlashProgress>? progress)
    {
        int blockSize = _options.FlashBlockSize;
        var compressed = Deflate(data);
        int blocks = (compressed.Length + blockSize - 1) / blockSize;
        int eraseBlocks = (data.Length + blockSize - 1) / blockSize;
        // The ROM takes the uncompressed size rounded up to whole blocks (esptool's write_size for the ROM).
        uint writeSize = (uint)(eraseBlocks * blockSize);
        var eraseTimeout = _options.ScaledTimeout(_options.EraseRegionSecondsPerMb, writeSize);
        Channel.Execute(
            RomCommand.FLASH_DEFL_BEGIN,
            RomProtocol.Words(writeSize, (uint)blocks, (uint)blockSize, image.Offset),
            0,
            eraseTimeout,
            $" for {image.Name} at 0x{image.Offset:X}");

        // The ROM inflates and writes each block before it answers, so each block's timeout follows what it inflates to.
        var inflatedPerBlock = DeflatePlan.InflatedBytesPerBlock(compressed, blockSize);
        long written = 0;
        for (int seq = 0; seq < blocks; seq++)
        {
            int start = seq * blockSize;
            int length = Math.Min(blockSize, compressed.Length - start);
            var timeout = _options.ScaledTimeout(_options.EraseWriteSecondsPerMb, inflatedPerBlock[seq]);
            SendBlock(RomCommand.FLASH_DEFL_DATA, compressed.AsSpan(start, length).ToArray(), seq, blocks, timeout, image);
            written += inflatedPerBlock[seq];
            progress?.Invoke(new FlashProgress(index, count, image.Name, Math.Min(written, data.Length), data.Length, "writing"));
        }

        return compressed.Length;
    }

    /// <summary>Errors name the step: "FLASH_DEFL_DATA block 18/92 (seq 17) of app.bin".</summary>
    private void SendBlock(RomCommand command, byte[] block, int seq, int blocks, TimeSpan timeout, FlashImage image)
    {
        var payload = RomProtocol.DataCommand(block, (uint)seq);
        uint checksum = RomProtocol.Checksum(block);
        string step = $" block {seq + 1}/{blocks} (seq {seq}) of {image.Name}";
        Retry($"{command}{step}", () => Channel.Execute(command, payload, checksum, timeout, step));
    }

    /// <summary>
    /// Reads flash back with READ_FLASH_SLOW, 64 bytes per command as the ROM loader allows (slow: one round trip
    /// per 64 bytes). Errors name the block that failed.
    /// </summary>
    public byte[] ReadFlash(uint address, int length, Action<long>? progress = null)
    {
        EnsureConnected();
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var data = new byte[length];
        int block = RomProtocol.READ_FLASH_SLOW_BLOCK;
        int blocks = (length + block - 1) / block;
        for (int i = 0; i < blocks; i++)
        {
            int at = i * block;
            int n = Math.Min(block, length - at);
            uint from = address + (uint)at;
            string step = $" block {i + 1}/{blocks} at 0x{from:X}";
            var response = Retry(
                $"READ_FLASH_SLOW{step}",
                () => Channel.Execute(RomCommand.READ_FLASH_SLOW, RomProtocol.Words(from, (uint)n), 0, _options.DefaultTimeout, step));
            var payload = response.Payload(Channel.StatusLength);
            if (payload.Length < n)
            {
                throw new RomProtocolException($"READ_FLASH_SLOW{step} answered with {payload.Length} data bytes, {n} were asked for");
            }

            payload[..n].CopyTo(data.AsSpan(at));
            progress?.Invoke(at + n);
        }

        return data;
    }

    /// <summary>Retries a timed-out, garbled or checksum-rejected command; other ROM errors are final.</summary>
    private T Retry<T>(string what, Func<T> action)
    {
        FlashingException? last = null;
        for (int attempt = 1; attempt <= _options.BlockAttempts; attempt++)
        {
            try
            {
                return action();
            }
            catch (RomTimeoutException e)
            {
                last = e;
                if (BootMessages.LooksLikeReset(Channel.StrayText))
                {
                    Connected = false;
                    throw new RomProtocolException($"{what} failed: the chip reset during the transfer ({e.Message})");
                }
            }
            catch (RomProtocolException e)
            {
                last = e;
            }
            catch (RomCommandFailedException e) when (e.Error == RomErrorCode.InvalidCrc)
            {
                last = e;
            }
        }

        throw new FlashingException($"{what} failed after {_options.BlockAttempts} attempts: {last!.Message}", last);
    }

    /// <summary>Compares the flash MD5 of the region an image was written to with the image's MD5; throws on a mismatch.</summary>
    public string VerifyImage(FlashImage image) => Verify(image, PadTo4(image.Data));

    private string Verify(FlashImage image, byte[] padded)
    {
        string expected = Convert.ToHexStringLower(MD5.HashData(padded));
        string actual = FlashMd5(image.Offset, (uint)padded.Length);
        if (actual != expected)
        {
            throw new FlashVerificationException(
                $"SPI_FLASH_MD5 verification of {image.Name} at 0x{image.Offset:X}: flash MD5 {actual} does not match the image's {expected}");
        }

        return actual;
    }

    private static void CheckLayout(IReadOnlyList<FlashImage> images)
    {
        if (images.Count == 0)
        {
            throw new FlashingException("no image to flash");
        }

        var sorted = images.OrderBy(i => i.Offset).ToList();
        for (int i = 0; i < sorted.Count; i++)
        {
            var image = sorted[i];
            if (image.Offset % RomProtocol.FLASH_SECTOR_SIZE != 0)
            {
                throw new FlashingException(
                    $"{image.Name}: offset 0x{image.Offset:X} is not aligned to the 4 KB flash sector; the ROM erases whole sectors");
            }

            if (image.Data.Length == 0)
            {
                throw new FlashingException($"{image.Name} is empty");
            }

            if (i > 0)
            {
                var previous = sorted[i - 1];
                long previousEnd = RoundUp(previous.Offset + (long)previous.Data.Length, RomProtocol.FLASH_SECTOR_SIZE);
                if (image.Offset < previousEnd)
                {
                    throw new FlashingException(
                        $"{image.Name} at 0x{image.Offset:X} overlaps the sectors of {previous.Name} (0x{previous.Offset:X}..0x{previousEnd:X})");
                }
            }
        }
    }

    private static long RoundUp(long value, int unit) => (value + unit - 1) / unit * unit;

    private static byte[] PadTo4(byte[] data)
    {
        if (data.Length % 4 == 0)
        {
            return data;
        }

        var padded = new byte[(data.Length + 3) / 4 * 4];
        padded.AsSpan().Fill(0xFF);
        data.CopyTo(padded, 0);
        return padded;
    }

    /// <summary>zlib at level 9, default and "filtered" strategies; the smaller wins (fewer bytes on a slow line).</summary>
    private static byte[] Deflate(byte[] data)
    {
        byte[]? best = null;
        foreach (var strategy in new[] { ZLibCompressionStrategy.Default, ZLibCompressionStrategy.Filtered })
        {
            using var output = new MemoryStream();
            using (var zlib = new ZLibStream(output, new ZLibCompressionOptions { CompressionLevel = 9, CompressionStrategy = strategy }, leaveOpen: true))
            {
                zlib.Write(data);
            }

            if (best is null || output.Length < best.Length)
            {
                best = output.ToArray();
            }
        }

        return best!;
    }

    private void EnsureConnected()
    {
        if (!Connected)
        {
            throw new InvalidOperationException("not connected to the ROM loader: call Connect() first");
        }
    }
}
