namespace NodeSim.RomBootloader.Rfc2217;

/// <summary>
/// The server's side of telnet option negotiation (RFC 854/855, without loops in the sense of RFC 1143): which
/// options it performs itself (WILL, asked by the client's DO) and which it lets the client perform (DO, asked by
/// the client's WILL). It offers BINARY both ways on connect; it accepts BINARY, SUPPRESS-GO-AHEAD and
/// COM-PORT-OPTION both ways and refuses the rest (ECHO included: a serial line does not echo).
/// </summary>
public sealed class TelnetOptionTable
{
    private static readonly byte[] Supported = { Telnet.BINARY, Telnet.SGA, Telnet.COM_PORT_OPTION };

    private readonly HashSet<byte> _local = new();
    private readonly HashSet<byte> _remote = new();
    private readonly HashSet<byte> _localRequested = new();
    private readonly HashSet<byte> _remoteRequested = new();

    /// <summary>True once the client said WILL COM-PORT-OPTION and the server agreed (RFC 2217's client role).</summary>
    public bool ClientUsesComPortOption => _remote.Contains(Telnet.COM_PORT_OPTION);

    public bool LocalEnabled(byte option) => _local.Contains(option);

    public bool RemoteEnabled(byte option) => _remote.Contains(option);

    /// <summary>What the server asks for as soon as a client connects: an 8-bit clean path both ways.</summary>
    public IEnumerable<byte[]> Offer()
    {
        _localRequested.Add(Telnet.BINARY);
        _remoteRequested.Add(Telnet.BINARY);
        yield return Telnet.Negotiation(Telnet.WILL, Telnet.BINARY);
        yield return Telnet.Negotiation(Telnet.DO, Telnet.BINARY);
    }

    /// <summary>Updates the state for one IAC verb option from the client; returns the reply, if one is due.</summary>
    public byte[]? Receive(byte verb, byte option)
    {
        bool supported = Array.IndexOf(Supported, option) >= 0;
        switch (verb)
        {
            case Telnet.DO:
                return Enable(_local, _localRequested, option, supported, Telnet.WILL, Telnet.WONT);
            case Telnet.WILL:
                return Enable(_remote, _remoteRequested, option, supported, Telnet.DO, Telnet.DONT);
            case Telnet.DONT:
                return Disable(_local, _localRequested, option, Telnet.WONT);
            case Telnet.WONT:
                return Disable(_remote, _remoteRequested, option, Telnet.DONT);
            default:
                return null;
        }
    }

    private static byte[]? Enable(HashSet<byte> enabled, HashSet<byte> requested, byte option, bool supported, byte yes, byte no)
    {
        if (!supported)
        {
            return Telnet.Negotiation(no, option);
        }

        if (enabled.Contains(option))
        {
            return null; // already on: acknowledging again would start a loop
        }

        enabled.Add(option);
        return requested.Remove(option) ? null : Telnet.Negotiation(yes, option);
    }

    private static byte[]? Disable(HashSet<byte> enabled, HashSet<byte> requested, byte option, byte no)
    {
        requested.Remove(option); // a refusal of our own request needs no answer
        return enabled.Remove(option) ? Telnet.Negotiation(no, option) : null;
    }
}
