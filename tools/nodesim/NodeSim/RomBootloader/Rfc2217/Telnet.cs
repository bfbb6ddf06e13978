namespace NodeSim.RomBootloader.Rfc2217;

/// <summary>
/// Telnet's command bytes and the few options an RFC 2217 serial link uses (RFC 854 commands, RFC 856 BINARY,
/// RFC 858 SUPPRESS-GO-AHEAD, RFC 2217 COM-PORT-OPTION), and how they are put on the wire.
/// </summary>
public static class Telnet
{
    public const byte IAC = 0xFF;
    public const byte DONT = 0xFE;
    public const byte DO = 0xFD;
    public const byte WONT = 0xFC;
    public const byte WILL = 0xFB;
    public const byte SB = 0xFA;
    public const byte SE = 0xF0;

    public const byte BINARY = 0x00;
    public const byte ECHO = 0x01;
    public const byte SGA = 0x03;
    public const byte COM_PORT_OPTION = 0x2C;

    /// <summary>IAC verb option, e.g. IAC WILL BINARY.</summary>
    public static byte[] Negotiation(byte verb, byte option) => new[] { IAC, verb, option };

    /// <summary>IAC SB option payload IAC SE, with IAC bytes of the payload doubled.</summary>
    public static byte[] Subnegotiation(byte option, ReadOnlySpan<byte> payload)
    {
        var frame = new List<byte>(payload.Length + 6) { IAC, SB, option };
        AppendEscaped(frame, payload);
        frame.Add(IAC);
        frame.Add(SE);
        return frame.ToArray();
    }

    /// <summary>Serial data as it travels in a telnet stream: every 0xFF doubled so it is not read as IAC.</summary>
    public static byte[] EscapeData(ReadOnlySpan<byte> data)
    {
        if (data.IndexOf(IAC) < 0)
        {
            return data.ToArray();
        }

        var escaped = new List<byte>(data.Length + 8);
        AppendEscaped(escaped, data);
        return escaped.ToArray();
    }

    private static void AppendEscaped(List<byte> into, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            into.Add(b);
            if (b == IAC)
            {
                into.Add(IAC);
            }
        }
    }
}
