namespace NodeSim.RomBootloader.Rfc2217;

/// <summary>What the telnet stream from the client carried: serial data, an option negotiation or a subnegotiation.</summary>
public readonly record struct TelnetEvent(TelnetEventKind Kind, byte[] Bytes, byte Verb = 0, byte Option = 0);

public enum TelnetEventKind
{
    /// <summary>Bytes for the serial line (doubled IACs already undone).</summary>
    Data,

    /// <summary>IAC WILL/WONT/DO/DONT option.</summary>
    Negotiation,

    /// <summary>The bytes between IAC SB and IAC SE (option first), doubled IACs undone.</summary>
    Subnegotiation,

    /// <summary>Any other two-byte command (NOP, BRK, AYT, ...), carried in <see cref="TelnetEvent.Verb"/>.</summary>
    Command,
}

/// <summary>
/// Splits the byte stream a telnet client sends into events. Keeps its state between calls, so an IAC sequence may
/// be cut anywhere by TCP.
/// </summary>
public sealed class TelnetDecoder
{
    /// <summary>
    /// Longest subnegotiation kept (RFC 2217's carry a few bytes, a signature text a few dozen); a longer one is
    /// dropped whole, so a client cannot grow the server's memory with an SB that never ends.
    /// </summary>
    public const int MaxSubnegotiation = 256;

    private readonly List<byte> _data = new();
    private readonly List<byte> _sub = new();
    private State _state = State.Data;
    private byte _verb;

    private enum State
    {
        Data,
        Iac,
        Option,
        Sub,
        SubIac,
    }

    public List<TelnetEvent> Push(ReadOnlySpan<byte> bytes)
    {
        var events = new List<TelnetEvent>();
        foreach (byte b in bytes)
        {
            switch (_state)
            {
                case State.Data:
                    if (b == Telnet.IAC)
                    {
                        _state = State.Iac;
                    }
                    else
                    {
                        _data.Add(b);
                    }

                    break;

                case State.Iac:
                    _state = State.Data;
                    if (b == Telnet.IAC)
                    {
                        _data.Add(Telnet.IAC);
                    }
                    else if (b is Telnet.WILL or Telnet.WONT or Telnet.DO or Telnet.DONT)
                    {
                        _verb = b;
                        _state = State.Option;
                    }
                    else if (b == Telnet.SB)
                    {
                        _sub.Clear();
                        _state = State.Sub;
                    }
                    else
                    {
                        FlushData(events);
                        events.Add(new TelnetEvent(TelnetEventKind.Command, Array.Empty<byte>(), Verb: b));
                    }

                    break;

                case State.Option:
                    FlushData(events);
                    events.Add(new TelnetEvent(TelnetEventKind.Negotiation, Array.Empty<byte>(), _verb, b));
                    _state = State.Data;
                    break;

                case State.Sub:
                    if (b == Telnet.IAC)
                    {
                        _state = State.SubIac;
                    }
                    else
                    {
                        AddToSub(b);
                    }

                    break;

                case State.SubIac:
                    if (b == Telnet.SE)
                    {
                        FlushData(events);
                        if (_sub.Count <= MaxSubnegotiation)
                        {
                            events.Add(new TelnetEvent(TelnetEventKind.Subnegotiation, _sub.ToArray()));
                        }

                        _sub.Clear();
                        _state = State.Data;
                    }
                    else
                    {
                        // IAC IAC is a 0xFF of the payload; anything else after IAC inside SB is malformed, kept as data of the SB.
                        AddToSub(b);
                        _state = State.Sub;
                    }

                    break;
            }
        }

        FlushData(events);
        return events;
    }

    /// <summary>Keeps one byte past the limit, so an oversized subnegotiation is known as such at its end.</summary>
    private void AddToSub(byte b)
    {
        if (_sub.Count <= MaxSubnegotiation)
        {
            _sub.Add(b);
        }
    }

    private void FlushData(List<TelnetEvent> events)
    {
        if (_data.Count > 0)
        {
            events.Add(new TelnetEvent(TelnetEventKind.Data, _data.ToArray()));
            _data.Clear();
        }
    }
}
