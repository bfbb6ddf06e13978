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
        int packet = _options.FlashBlockSize;
        if (packet <= 0 || packet % 4 != 0 || (RomProtocol.FLASH_SECTOR_SIZE % packet != 0 && packet % RomProtocol.FLASH_SECTOR_SIZE != 0))
        {
            throw new ArgumentException(
                $"flash block size {packet} must be a multiple of 4 that divides the 4 KB sector or is a multiple of it", nameof(options));
        }

        Channel = new RomCommandChannel(link);
    }

    public RomCommandChannel Channel { get; }

    public EspRomClientOptions Options => _options;

    public bool Connected { get; private set; }

    /// <summary>
    /// Resets the chip into the ROM loader and SYNCs; retries with a longer reset delay, like esptool. With
    /// <see cref="ResetBefore.NoReset"/> the control lines are left alone and only SYNC is sent.
    /// </summary>
    public void Connect(ResetBefore before = ResetBefore.DefaultReset)
    {
        string lastProblem = "no attempt made";
        string bootText = "";
        for (int attempt = 0; attempt < _options.ConnectAttempts; attempt++)
        {
            Channel.Flush();
            var delay = _options.ResetDelay + (attempt % 2 == 1 ? TimeSpan.FromMilliseconds(500) : TimeSpan.Zero);
            if (before == ResetBefore.DefaultReset)
            {
                BootloaderReset.IntoBootloader(_link, _options.ResetHold, delay, _options.Sleep);
            }

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

        throw new RomTimeoutException(DescribeConnectFailure(lastProblem, bootText, before));
    }

    private string DescribeConnectFailure(string lastProblem, string bootText, ResetBefore before)
    {
        if (before == ResetBefore.NoReset)
        {
            return $"could not connect to the ESP32 ROM loader on {_link.Name} with --before no-reset ({_options.ConnectAttempts * _options.SyncAttemptsPerReset} SYNCs " +
                   $"unanswered: {lastProblem}); put the chip in download mode first: hold BOOT (IO0), tap EN, release BOOT";
        }

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

    /// <summary>
    /// CHANGE_BAUDRATE (second word 0 for the ROM) for the rate compensated by the ROM's crystal estimate
    /// (<see cref="Esp32RomBaudRate"/>), then switches the host side and checks the chip still answers.
    /// </summary>
    public void ChangeBaudRate(int baudRate)
    {
        EnsureConnected();
        ArgumentOutOfRangeException.ThrowIfLessThan(baudRate, 300);
        double romCrystalHz = Esp32RomBaudRate.RomCrystalHz(ReadReg(Esp32Registers.RTCCALICFG1), ReadReg(Esp32Registers.EFUSE_BLK0_RDATA4_REG));
        uint request = Esp32RomBaudRate.Request(baudRate, romCrystalHz);
        Channel.Execute(RomCommand.CHANGE_BAUDRATE, RomProtocol.Words(request, 0), 0, _options.DefaultTimeout);
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
        FlashLayout.Check(images);
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

    /// <summary>
    /// ESP32 ROM rules (Espressif's serial-protocol doc; ESP-IDF esp_rom_spiflash_erase_area / esp_rom_spiflash_write):
    /// FLASH_BEGIN erases up front only the 4 KB sectors covering [offset, offset + erase size), and each FLASH_DATA
    /// packet is programmed whole, 0xFF padding included, at offset + seq * packet size and read back (0x08 where the
    /// flash was not erased, 0x06 past the chip). So the last packet's padding must stay inside the image's last
    /// sector. Packets of at most a sector ensure that by themselves; larger ones fill whole packets in one download,
    /// and the rest goes in a second download as one packet of whole sectors: one round trip more than padding the
    /// last packet, and fewer bytes.
    /// </summary>
    private int WritePlain(FlashImage image, byte[] data, int index, int count, Action<FlashProgress>? progress)
    {
        int packetSize = _options.FlashBlockSize;
        bool split = packetSize > RomProtocol.FLASH_SECTOR_SIZE;
        int head = split ? data.Length / packetSize * packetSize : 0;
        int headPackets = head / packetSize;
        int tailPacketSize = split ? (int)RoundUp(data.Length - head, RomProtocol.FLASH_SECTOR_SIZE) : packetSize;
        int blocks = headPackets + (head < data.Length ? (data.Length - head + tailPacketSize - 1) / tailPacketSize : 0);
        int sent = 0;
        if (head > 0)
        {
            Download(0, head, packetSize, firstBlock: 0);
        }

        if (head < data.Length)
        {
            Download(head, data.Length - head, tailPacketSize, firstBlock: headPackets);
        }

        return sent;

        // One FLASH_BEGIN (erase size = the bytes it writes) and its FLASH_DATA packets, the last padded with 0xFF.
        void Download(int start, int length, int size, int firstBlock)
        {
            uint offset = image.Offset + (uint)start;
            int packets = (length + size - 1) / size;
            Channel.Execute(
                RomCommand.FLASH_BEGIN,
                RomProtocol.Words((uint)length, (uint)packets, (uint)size, offset),
                0,
                _options.ScaledTimeout(_options.EraseRegionSecondsPerMb, length),
                $" for {image.Name} at 0x{offset:X}");

            var timeout = _options.ScaledTimeout(_options.EraseWriteSecondsPerMb, size);
            var packet = new byte[size];
            for (int seq = 0; seq < packets; seq++)
            {
                int at = start + (seq * size);
                int n = Math.Min(size, start + length - at);
                packet.AsSpan().Fill(0xFF);
                data.AsSpan(at, n).CopyTo(packet);
                SendBlock(RomCommand.FLASH_DATA, packet, seq, firstBlock + seq, blocks, timeout, image);
                sent += packet.Length;
                progress?.Invoke(new FlashProgress(index, count, image.Name, at + n, data.Length, "writing"));
            }
        }
    }

    /// <summary>
    /// The ROM erases the sectors covering [offset, offset + erase size) before the first packet. As esptool does for
    /// the ROM (loader.py flash_defl_begin), the erase size is the image rounded up to 1 KB (FLASH_WRITE_SIZE): never
    /// past the image's last sector, so never into the next partition or past the chip. The packets may stay large
    /// (16 KB by default: 16 times fewer round trips than esptool's 1 KB): they are not padded, and the ROM writes the
    /// inflated bytes in stream order from the offset whatever the packet size.
    /// </summary>
    private int WriteDeflated(FlashImage image, byte[] data, int index, int count, Action<FlashProgress>? progress) =>
        SendDeflated(image, data, written => progress?.Invoke(new FlashProgress(index, count, image.Name, written, data.Length, "writing")));

    /// <summary>One FLASH_DEFL_BEGIN for <paramref name="data"/> at the image's offset; returns the compressed bytes sent.</summary>
    private int SendDeflated(FlashImage image, byte[] data, Action<long>? written)
    {
        int blockSize = _options.FlashBlockSize;
        var compressed = Deflate(data);
        int blocks = (compressed.Length + blockSize - 1) / blockSize;
        uint eraseSize = (uint)RoundUp(data.Length, RomProtocol.FLASH_WRITE_SIZE);
        var eraseTimeout = _options.ScaledTimeout(_options.EraseRegionSecondsPerMb, eraseSize);
        Channel.Execute(
            RomCommand.FLASH_DEFL_BEGIN,
            RomProtocol.Words(eraseSize, (uint)blocks, (uint)blockSize, image.Offset),
            0,
            eraseTimeout,
            $" for {image.Name} at 0x{image.Offset:X}");

        // The ROM inflates and writes each block before it answers, so each block's timeout follows what it inflates to.
        var inflatedPerBlock = DeflatePlan.InflatedBytesPerBlock(compressed, blockSize);
        long done = 0;
        for (int seq = 0; seq < blocks; seq++)
        {
            int start = seq * blockSize;
            int length = Math.Min(blockSize, compressed.Length - start);
            var timeout = _options.ScaledTimeout(_options.EraseWriteSecondsPerMb, inflatedPerBlock[seq]);
            SendBlock(RomCommand.FLASH_DEFL_DATA, compressed.AsSpan(start, length).ToArray(), seq, seq, blocks, timeout, image);
            done += inflatedPerBlock[seq];
            written?.Invoke(Math.Min(done, data.Length));
        }

        return compressed.Length;
    }

    /// <summary>Errors name the step: "FLASH_DEFL_DATA block 18/92 (seq 17) of app.bin" (blocks count over the whole image).</summary>
    private void SendBlock(RomCommand command, byte[] block, int seq, int blockIndex, int blocks, TimeSpan timeout, FlashImage image)
    {
        var payload = RomProtocol.DataCommand(block, (uint)seq);
        uint checksum = RomProtocol.Checksum(block);
        string step = $" block {blockIndex + 1}/{blocks} (seq {seq}) of {image.Name}";
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
