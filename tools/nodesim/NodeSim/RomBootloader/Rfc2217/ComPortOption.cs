namespace NodeSim.RomBootloader.Rfc2217;

/// <summary>
/// RFC 2217 COM-PORT-OPTION sub-commands and values. A server answers a client's command with the same command
/// number plus 100, carrying the value now in effect.
/// </summary>
public static class ComPortOption
{
    public const byte SET_BAUDRATE = 1;
    public const byte SET_DATASIZE = 2;
    public const byte SET_PARITY = 3;
    public const byte SET_STOPSIZE = 4;
    public const byte SET_CONTROL = 5;
    public const byte NOTIFY_LINESTATE = 6;
    public const byte NOTIFY_MODEMSTATE = 7;
    public const byte FLOWCONTROL_SUSPEND = 8;
    public const byte FLOWCONTROL_RESUME = 9;
    public const byte SET_LINESTATE_MASK = 10;
    public const byte SET_MODEMSTATE_MASK = 11;
    public const byte PURGE_DATA = 12;

    /// <summary>Server-to-client command numbers are the client's plus this.</summary>
    public const byte SERVER_OFFSET = 100;

    public const byte PARITY_REQUEST = 0;
    public const byte PARITY_NONE = 1;
    public const byte STOPSIZE_REQUEST = 0;
    public const byte STOPSIZE_1 = 1;
    public const byte DATASIZE_REQUEST = 0;
    public const byte DATASIZE_8 = 8;

    public const byte CONTROL_REQUEST_FLOW = 0;
    public const byte CONTROL_FLOW_NONE = 1;
    public const byte CONTROL_REQUEST_BREAK = 4;
    public const byte CONTROL_BREAK_ON = 5;
    public const byte CONTROL_BREAK_OFF = 6;
    public const byte CONTROL_REQUEST_DTR = 7;
    public const byte CONTROL_DTR_ON = 8;
    public const byte CONTROL_DTR_OFF = 9;
    public const byte CONTROL_REQUEST_RTS = 10;
    public const byte CONTROL_RTS_ON = 11;
    public const byte CONTROL_RTS_OFF = 12;
    public const byte CONTROL_REQUEST_FLOW_IN = 13;
    public const byte CONTROL_FLOW_IN_NONE = 14;

    public const byte PURGE_RECEIVE = 1;
    public const byte PURGE_TRANSMIT = 2;
    public const byte PURGE_BOTH = 3;

    /// <summary>NOTIFY-LINESTATE bits: transmit holding register and shift register empty (an idle UART).</summary>
    public const byte LINESTATE_IDLE = 0x20 | 0x40;
}
