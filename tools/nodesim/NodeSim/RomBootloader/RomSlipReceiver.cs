namespace NodeSim.RomBootloader;

/// <summary>
/// The chip's side of SLIP: bytes outside frames are ignored, a frame with a bad escape or longer than the
/// receive buffer is dropped, and reception starts over at the next END. Counts what it dropped.
/// </summary>
public sealed class RomSlipReceiver
{
    private readonly int _capacity;
    private readonly List<byte> _frame = new();
    private bool _inFrame;
    private bool _escaping;
    private bool _dropping;

    public RomSlipReceiver(int capacity)
    {
        _capacity = capacity;
    }

    public int DroppedFrames { get; private set; }

    public void Reset()
    {
        _frame.Clear();
        _inFrame = _escaping = _dropping = false;
    }

    public void Push(ReadOnlySpan<byte> bytes, List<byte[]> frames)
    {
        foreach (byte b in bytes)
        {
            if (b == RomWire.SLIP_END)
            {
                // Every END closes what came before it and opens the next frame, so noise between frames
                // becomes a frame of its own that fails validation, and a lost END costs one frame only.
                if (_dropping || _escaping)
                {
                    DroppedFrames++;
                }
                else if (_inFrame && _frame.Count > 0)
                {
                    frames.Add(_frame.ToArray());
                }

                _inFrame = true;
                _frame.Clear();
                _escaping = false;
                _dropping = false;
                continue;
            }

            if (!_inFrame || _dropping)
            {
                continue;
            }

            if (_escaping)
            {
                _escaping = false;
                if (b == RomWire.SLIP_ESC_END)
                {
                    Append(RomWire.SLIP_END);
                }
                else if (b == RomWire.SLIP_ESC_ESC)
                {
                    Append(RomWire.SLIP_ESC);
                }
                else
                {
                    _dropping = true;
                }
            }
            else if (b == RomWire.SLIP_ESC)
            {
                _escaping = true;
            }
            else
            {
                Append(b);
            }
        }
    }

    private void Append(byte b)
    {
        if (_frame.Count >= _capacity)
        {
            _dropping = true;
            return;
        }

        _frame.Add(b);
    }
}
