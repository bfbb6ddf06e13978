namespace NodeFirmware.Nodectl.Flashing;

/// <summary>
/// A read-only stream fed chunk by chunk; it reports end-of-data while empty, which lets a ZLibStream over it
/// inflate as far as the input so far allows and continue when the next chunk is added.
/// </summary>
public sealed class ChunkFeedStream : Stream
{
    private readonly Queue<ReadOnlyMemory<byte>> _chunks = new();
    private ReadOnlyMemory<byte> _current;

    public void Add(ReadOnlyMemory<byte> chunk)
    {
        if (!chunk.IsEmpty)
        {
            _chunks.Enqueue(chunk);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_current.IsEmpty)
        {
            if (_chunks.Count == 0)
            {
                return 0;
            }

            _current = _chunks.Dequeue();
        }

        int n = Math.Min(buffer.Length, _current.Length);
        _current.Span[..n].CopyTo(buffer);
        _current = _current[n..];
        return n;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
