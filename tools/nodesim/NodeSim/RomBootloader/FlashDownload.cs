using System.IO.Compression;

namespace NodeSim.RomBootloader;

/// <summary>
/// One FLASH_BEGIN (plain) or FLASH_DEFL_BEGIN (compressed) download in progress: where it writes, how many blocks
/// of what size are announced, which sequence number comes next, and for compressed data the running inflater.
/// </summary>
internal sealed class FlashDownload : IDisposable
{
    private readonly SimulatedSpiFlash _flash;
    private readonly ChunkFeed? _feed;
    private readonly ZLibStream? _inflater;
    private readonly byte[] _inflateBuffer = new byte[16 * 1024];
    private byte[]? _lastBlock;

    public FlashDownload(SimulatedSpiFlash flash, bool compressed, uint offset, uint size, uint blocks, uint blockSize)
    {
        _flash = flash;
        Compressed = compressed;
        Offset = offset;
        Size = size;
        Blocks = blocks;
        BlockSize = blockSize;
        if (compressed)
        {
            _feed = new ChunkFeed();
            _inflater = new ZLibStream(_feed, CompressionMode.Decompress);
        }
    }

    public bool Compressed { get; }

    public uint Offset { get; }

    public uint Size { get; }

    public uint Blocks { get; }

    public uint BlockSize { get; }

    public uint NextSequence { get; private set; }

    public long Inflated { get; private set; }

    public bool Broken { get; private set; }

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

    private byte AcceptPlain(uint sequence, ReadOnlySpan<byte> block)
    {
        long address = Offset + (long)sequence * BlockSize;
        if (!_flash.Contains(address, block.Length))
        {
            return RomWire.ERR_FAILED_TO_ACT;
        }

        return _flash.Program(address, block) ? (byte)0 : RomWire.ERR_FLASH_WRITE;
    }

    private byte AcceptCompressed(ReadOnlySpan<byte> block)
    {
        if (Broken)
        {
            return RomWire.ERR_DEFLATE;
        }

        _feed!.Add(block.ToArray());
        try
        {
            int n;
            while ((n = _inflater!.Read(_inflateBuffer)) > 0)
            {
                long address = Offset + Inflated;
                if (Inflated + n > Size || !_flash.Contains(address, n))
                {
                    Broken = true;
                    return RomWire.ERR_DEFLATE;
                }

                bool ok = _flash.Program(address, _inflateBuffer.AsSpan(0, n));
                Inflated += n;
                if (!ok)
                {
                    Broken = true;
                    return RomWire.ERR_FLASH_WRITE;
                }
            }
        }
        catch (InvalidDataException)
        {
            Broken = true;
            return RomWire.ERR_DEFLATE;
        }

        return 0;
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
