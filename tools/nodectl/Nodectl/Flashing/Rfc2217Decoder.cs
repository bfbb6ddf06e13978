namespace NodeFirmware.Nodectl.Flashing;

/// <summary>
/// Splits the bytes an RFC 2217 server sends into serial data (IAC IAC is one 0xFF), option negotiation
/// (IAC WILL/WONT/DO/DONT option) and sub-negotiations (IAC SB ... IAC SE). Keeps its state across chunks.
/// </summary>
public sealed class Rfc2217Decoder(Action<ReadOnlySpan<byte>> onData, Action<byte, byte> onNegotiation, Action<byte[]> onSubnegotiation)
{
    private enum State
    {
        Data,
        Iac,
        Option,
        Sub,
        SubIac,
    }

    /// <summary>Longest sub-negotiation kept; a longer one (a hostile server's never-ending SB) is dropped whole.</summary>
    public const int MaxSubnegotiation = 256;

    private readonly List<byte> _sub = new();
    private State _state = State.Data;
    private byte _verb;

    public void Push(ReadOnlySpan<byte> chunk)
    {
        var data = new List<byte>(chunk.Length);
        foreach (byte b in chunk)
        {
            switch (_state)
            {
                case State.Data when b == Rfc2217.IAC:
                    _state = State.Iac;
                    break;
                case State.Data:
                    data.Add(b);
                    break;
                case State.Iac when b == Rfc2217.IAC:
                    data.Add(b);
                    _state = State.Data;
                    break;
                case State.Iac when b == Rfc2217.SB:
                    _sub.Clear();
                    _state = State.Sub;
                    break;
                case State.Iac when b is >= Rfc2217.WILL and <= Rfc2217.DONT:
                    _verb = b;
                    _state = State.Option;
                    break;
                case State.Iac:
                    _state = State.Data; // NOP, GA and the like carry nothing for a serial port
                    break;
                case State.Option:
                    Flush(data);
                    onNegotiation(_verb, b);
                    _state = State.Data;
                    break;
                case State.Sub when b == Rfc2217.IAC:
                    _state = State.SubIac;
                    break;
                case State.Sub:
                    AddToSub(b);
                    break;
                case State.SubIac when b == Rfc2217.SE:
                    Flush(data);
                    if (_sub.Count <= MaxSubnegotiation)
                    {
                        onSubnegotiation(_sub.ToArray());
                    }

                    _sub.Clear();
                    _state = State.Data;
                    break;
                case State.SubIac:
                    AddToSub(b); // IAC IAC inside a sub-negotiation is one 0xFF
                    _state = State.Sub;
                    break;
            }
        }

        Flush(data);
    }

    /// <summary>Keeps one byte past the limit, so an oversized sub-negotiation is known as such at its end.</summary>
    private void AddToSub(byte b)
    {
        if (_sub.Count <= MaxSubnegotiation)
        {
            _sub.Add(b);
        }
    }

    private void Flush(List<byte> data)
    {
        if (data.Count > 0)
        {
            onData(data.ToArray());
            data.Clear();
        }
    }
}
