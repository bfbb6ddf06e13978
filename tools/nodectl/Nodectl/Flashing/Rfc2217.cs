namespace NodeFirmware.Nodectl.Flashing;

/// <summary>
/// Telnet (RFC 854, options RFC 856/858) and its COM-PORT-OPTION (RFC 2217) as far as a serial client needs them.
/// A server answers each COM-PORT-OPTION command with the command number + <see cref="SERVER_OFFSET"/> and the
/// value now in effect.
/// </summary>
public static class Rfc2217
{
    public const byte IAC = 255;
    public const byte DONT = 254;
    public const byte DO = 253;
    public const byte WONT = 252;
    public const byte WILL = 251;
    public const byte SB = 250;
    public const byte SE = 240;

    public const byte BINARY = 0;
    public const byte SGA = 3;
    public const byte COM_PORT_OPTION = 44;

    public const byte SET_BAUDRATE = 1;
    public const byte SET_DATASIZE = 2;
    public const byte SET_PARITY = 3;
    public const byte SET_STOPSIZE = 4;
    public const byte SET_CONTROL = 5;
    public const byte SERVER_OFFSET = 100;

    public const byte DATASIZE_8 = 8;
    public const byte PARITY_NONE = 1;
    public const byte STOPSIZE_1 = 1;
    public const byte CONTROL_FLOW_NONE = 1;
    public const byte CONTROL_DTR_ON = 8;
    public const byte CONTROL_DTR_OFF = 9;
    public const byte CONTROL_RTS_ON = 11;
    public const byte CONTROL_RTS_OFF = 12;

    public const string UrlScheme = "rfc2217://";

    /// <summary>Parses "rfc2217://HOST:PORT"; null when <paramref name="url"/> is something else.</summary>
    public static (string Host, int Port)? ParseUrl(string url)
    {
        if (!url.StartsWith(UrlScheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string rest = url[UrlScheme.Length..].TrimEnd('/');
        int colon = rest.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(rest[(colon + 1)..], out int port) || port is < 1 or > 65535)
        {
            return null;
        }

        return (rest[..colon], port);
    }
}
