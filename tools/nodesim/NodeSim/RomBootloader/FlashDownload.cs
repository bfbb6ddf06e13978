using System.IO.Compression;

namespace NodeSim.RomBootloader;

/// <summary>
/// One FLASH_BEGIN (plain) or FLASH_DEFL_BEGIN (compressed) download in progress: where it writes, how many blocks
/// of what size are announced, which sequence number comes next, and for compressed data the running inflater.
/// </summary>
/// <remarks>
/// The ESP32 ROM loader's flash rules, as this class applies them (sources: ESP-IDF's copy of the ROM flash routines,
/// components/esp_rom/patches/esp_rom_spiflash.c, esp_rom_spiflash_erase_area and esp_rom_spiflash_write; Espressif's
/// serial-protocol doc for the command words and status bytes; esptool's loader.py flash_begin/flash_defl_begin):
/// 1. BEGIN (erase size, packets, packet size, offset) erases up front the 4 KB sectors covering
///    [offset, offset + erase size) (64 KB block erases where aligned: the same bytes). The offset must be
///    sector-aligned and offset + erase size must not pass the chip size SPI_SET_PARAMS set, else 0x06 and nothing is
///    erased.
/// 2. FLASH_DATA: the whole packet (the host pads the last one with 0xFF) is programmed at offset + seq * packet size
///    and read back; a mismatch (e.g. 0xFF written over flash that was not erased) is 0x08, a packet that would pass
///    the chip size 0x06.
/// 3. FLASH_DEFL_DATA: the inflated bytes are programmed in order from offset and checked the same way (0x08); past
///    the chip size 0x06; a corrupt stream 0x0B. The announced erase size bounds nothing: inflated bytes beyond it
///    land on flash that was not erased.
/// The simulator also refuses anything past its own flash array (a real chip would wrap the address instead).
/// </remarks>
internal sealed class FlashDownload : IDisposable
{
    private readonly SimulatedSpiFlash _flash;
    private readonly long _chipSize;
    private readonly byte _dataCommand;
    private readonly ChunkFeed? _feed;
    private readonly ZLibStream? _inflater;
    private readonly byte[] _inflateBuffer = new byte[16 * 1024];
    private byte[]? _lastBlock;
    private byte _brokenWith;

    private FlashDownload(SimulatedSpiFlash flash, long chipSize, bool compressed, uint offset, uint blocks, uint blockSize)
    {
        _flash = flash;
        _chipSize = chipSize;
        _dataCommand = compressed ? RomWire.FLASH_DEFL_DATA : RomWire.FLASH_DATA;
        Compressed = compressed;
        Offset = offset;
        Blocks = blocks;
        BlockSize = blockSize;
        if (compressed)
        {
            _feed = new ChunkFeed();
            _inflater = new ZLibStream(_feed, CompressionMode.Decompress);
        }
    }

    /// <summary>
    /// Rule 1: checks the start and the erase size against the chip size (<paramref name="chipSizeSetting"/>, from
    /// SPI_SET_PARAMS), erases, and returns the download; or returns null with the ROM's error byte, having erased nothing.
    /// </summary>
    public static FlashDownload? Begin(
        SimulatedSpiFlash flash, long chipSizeSetting, bool compressed, uint size, uint blocks, uint blockSize, uint offset, out byte error)
    {
        long chipSize = Math.Min(chipSizeSetting, flash.Size);
        if (offset % RomWire.FLASH_SECTOR_SIZE != 0 || (long)offset + size > chipSize)
        {
            error = RomWire.ERR_FAILED_TO_ACT;
            return null;
        }

        byte command = compressed ? RomWire.FLASH_DEFL_BEGIN : RomWire.FLASH_BEGIN;
        long sectors = ((long)size + RomWire.FLASH_SECTOR_SIZE - 1) / RomWire.FLASH_SECTOR_SIZE;
        for (long i = 0; i < sectors; i++)
        {
            flash.EraseSector(offset + (i * RomWire.FLASH_SECTOR_SIZE), command);
        }

        error = 0;
        return new FlashDownload(flash, chipSize, compressed, offset, blocks, blockSize);
    }

    public bool Compressed { get; }

    public uint Offset { get; }

    public uint Blocks { get; }

    public uint BlockSize { get; }

    public uint NextSequence { get; private set; }

    public long Inflated { get; private set; }

    /// <summary>A re-send of the block just accepted (its acknowledgement was lost) is acknowledged, not written twice.</summary>
    public bool IsRepeatOfLastBlock(uint sequence, ReadOnlySpan<byte> block) =>
        NextSequence > 0 && sequence == NextSequence - 1 && _lastBlock is not null && block.SequenceEqual(_lastBlock);

    /// <summary>Writes one block; returns 0 or the ROM error byte.</summary>
    public byte Accept(uint sequence, ReadOnlySpan<byte> block)
    {
        byte error = Compressed ? AcceptCompressed(block) : AcceptPlain(sequence, block);
        if (error == 0)
        {
            NextSequence = sequence + 1;
            _lastBlock = block.ToArray();
        }

        return error;
    }

    /// <summary>Rule 2: the whole packet goes to offset + seq * packet size.</summary>
    private byte AcceptPlain(uint sequence, ReadOnlySpan<byte> block) =>
        ProgramChecked(Offset + ((long)sequence * BlockSize), block);

    /// <summary>Rule 3: inflated bytes go on from where the previous ones ended; after an error the stream stays broken.</summary>
    private byte AcceptCompressed(ReadOnlySpan<byte> block)
    {
        if (_brokenWith != 0)
        {
            return _brokenWith;
        }

        _feed!.Add(block.ToArray());
        try
        {
            int n;
            while ((n = _inflater!.Read(_inflateBuffer)) > 0)
            {
                byte error = ProgramChecked(Offset + Inflated, _inflateBuffer.AsSpan(0, n));
                Inflated += n;
                if (error != 0)
                {
                    _brokenWith = error;
                    return error;
                }
            }
        }
        catch (InvalidDataException)
        {
            _brokenWith = RomWire.ERR_DEFLATE;
            return RomWire.ERR_DEFLATE;
        }

        return 0;
    }

    /// <summary>0x06 (nothing written) past the chip size; 0x08 when the read-back differs from the data.</summary>
    private byte ProgramChecked(long address, ReadOnlySpan<byte> data)
    {
        if (address + data.Length > _chipSize)
        {
            return RomWire.ERR_FAILED_TO_ACT;
        }

        return _flash.Program(address, data, _dataCommand) ? (byte)0 : RomWire.ERR_FLASH_WRITE;
    }

    public void Dispose() => _inflater?.Dispose();

    /// <summary>Input for the inflater: reports end-of-data while empty so inflation resumes when the next block arrives.</summary>
    private sealed class ChunkFeed : Stream
    {
        private readonly Queue<byte[]> _chunks = new();
        private byte[] _current = Array.Empty<byte>();
        private int _position;

        public void Add(byte[] chunk) => _chunks.Enqueue(chunk);

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            while (_position == _current.Length)
            {
                if (_chunks.Count == 0)
                {
                    return 0;
                }

                _current = _chunks.Dequeue();
                _position = 0;
            }

            int n = Math.Min(buffer.Length, _current.Length - _position);
            _current.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
