namespace NodeFirmware.Nodectl.Flashing;

/// <summary>What the decoder found in the byte stream: a whole packet or a framing error.</summary>
public readonly record struct SlipEvent(byte[]? Packet, SlipError Error, string? Detail)
{
    public bool IsPacket => Packet is not null;

    public static SlipEvent Frame(byte[] packet) => new(packet, SlipError.None, null);

    public static SlipEvent Fault(SlipError error, string detail) => new(null, error, detail);

    public override string ToString() => IsPacket ? $"packet of {Packet!.Length} bytes" : $"{Error}: {Detail}";
}

public enum SlipError
{
    None,

    /// <summary>Bytes arrived outside a frame (boot messages, line noise, a peer at the wrong baud rate).</summary>
    BytesOutsideFrame,

    /// <summary>ESC was followed by something other than ESC_END or ESC_ESC.</summary>
    InvalidEscape,

    /// <summary>A frame grew past the decoder's limit before its END arrived.</summary>
    Oversized,
}

/// <summary>
/// A strict, incremental SLIP decoder. A packet is END, payload, END; an empty frame (END END) is the
/// opening END of the next packet, as the ESP loaders send packets back to back. Anything that is not
/// a well-formed packet is reported once as an error event, and the decoder resynchronises on the next END.
/// </summary>
public sealed class SlipDecoder
{
    private readonly int _maxPacketLength;
    private readonly List<byte> _packet = new();
    private readonly List<byte> _outside = new();
    private State _state = State.Idle;

    public SlipDecoder(int maxPacketLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPacketLength, 1);
        _maxPacketLength = maxPacketLength;
    }

    private enum State { Idle, InFrame, Escaping, Discarding }

    public int MaxPacketLength => _maxPacketLength;

    /// <summary>Forgets any partial frame, e.g. after the port was flushed.</summary>
    public void Reset()
    {
        _packet.Clear();
        _outside.Clear();
        _state = State.Idle;
    }

    /// <summary>Feeds bytes and appends every packet or error completed by them to <paramref name="events"/>.</summary>
    public void Push(ReadOnlySpan<byte> bytes, List<SlipEvent> events)
    {
        foreach (byte b in bytes)
        {
            Push(b, events);
        }

        // Stray bytes are reported as soon as a chunk ends, so a peer that only sends noise is noticed.
        FlushOutside(events);
    }

    private void Push(byte b, List<SlipEvent> events)
    {
        switch (_state)
        {
            case State.Idle:
                if (b == Slip.End)
                {
                    FlushOutside(events);
                    _state = State.InFrame;
                }
                else if (_outside.Count < 256)
                {
                    _outside.Add(b);
                }
                else
                {
                    FlushOutside(events);
                    _outside.Add(b);
                }

                break;

            case State.InFrame:
                if (b == Slip.End)
                {
                    if (_packet.Count > 0)
                    {
                        events.Add(SlipEvent.Frame(_packet.ToArray()));
                        _packet.Clear();
                        _state = State.Idle;
                    }
                }
                else if (b == Slip.Esc)
                {
                    _state = State.Escaping;
                }
                else
                {
                    Append(b, events);
                }

                break;

            case State.Escaping:
                if (b == Slip.EscEnd)
                {
                    _state = State.InFrame;
                    Append(Slip.End, events);
                }
                else if (b == Slip.EscEsc)
                {
                    _state = State.InFrame;
                    Append(Slip.Esc, events);
                }
                else
                {
                    events.Add(SlipEvent.Fault(
                        SlipError.InvalidEscape,
                        $"invalid SLIP escape 0xDB 0x{b:X2} after {_packet.Count} payload bytes (expected 0xDC or 0xDD)"));
                    _packet.Clear();
                    // An END right after a bad ESC closes the broken frame; anything else is skipped up to the next END.
                    _state = b == Slip.End ? State.Idle : State.Discarding;
                }

                break;

            case State.Discarding:
                if (b == Slip.End)
                {
                    _state = State.Idle;
                }

                break;
        }
    }

    private void Append(byte b, List<SlipEvent> events)
    {
        if (_packet.Count >= _maxPacketLength)
        {
            events.Add(SlipEvent.Fault(
                SlipError.Oversized,
                $"SLIP frame longer than {_maxPacketLength} bytes without an END"));
            _packet.Clear();
            _state = State.Discarding;
            return;
        }

        _packet.Add(b);
    }

    private void FlushOutside(List<SlipEvent> events)
    {
        if (_outside.Count == 0)
        {
            return;
        }

        events.Add(SlipEvent.Fault(SlipError.BytesOutsideFrame, DescribeStray(_outside)));
        _outside.Clear();
    }

    private static string DescribeStray(List<byte> bytes)
    {
        var text = new char[bytes.Count];
        for (int i = 0; i < bytes.Count; i++)
        {
            byte b = bytes[i];
            text[i] = b is >= 0x20 and < 0x7F ? (char)b : '.';
        }

        return $"{bytes.Count} byte(s) outside a SLIP frame: \"{new string(text)}\"";
    }
}
