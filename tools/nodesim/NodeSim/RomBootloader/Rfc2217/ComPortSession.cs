using System.Buffers.Binary;

namespace NodeSim.RomBootloader.Rfc2217;

/// <summary>What a COM-PORT-OPTION command changes on the serial side of the server.</summary>
public interface IComPortTarget
{
    int BaudRate { get; }

    void SetBaudRate(int baudRate);

    ControlLineRelay Lines { get; }

    /// <summary>FLOWCONTROL-SUSPEND/RESUME: hold the chip's output instead of sending it to the client.</summary>
    void SuspendOutput(bool suspend);

    /// <summary>Drops chip output held for the client (PURGE-DATA of the server's receive buffer).</summary>
    void PurgeHeldOutput();
}

/// <summary>
/// The RFC 2217 commands of one client (the bytes after IAC SB COM-PORT-OPTION): applies them to the simulated
/// UART and builds the server's answer (command + 100, with the value now in effect). The simulated ESP32 UART
/// runs 8N1 without flow control, so a request for anything else is answered with the setting that stays in
/// effect, which RFC 2217 clients (pyserial) report as a refused value.
/// </summary>
public sealed class ComPortSession
{
    private readonly IComPortTarget _port;
    private readonly Action<string> _log;
    private byte _lineStateMask;
    private byte _modemStateMask = 0xFF;
    private bool _break;

    public ComPortSession(IComPortTarget port, Action<string> log)
    {
        _port = port;
        _log = log;
    }

    /// <summary>Handles one command; returns the telnet frame to send back, or null when the command has no answer.</summary>
    public byte[]? Handle(ReadOnlySpan<byte> command)
    {
        if (command.IsEmpty)
        {
            return null;
        }

        byte code = command[0];
        var value = command[1..];
        switch (code)
        {
            case ComPortOption.SET_BAUDRATE when value.Length >= 4:
                uint baud = BinaryPrimitives.ReadUInt32BigEndian(value);
                if (baud is > 0 and <= int.MaxValue)
                {
                    _port.SetBaudRate((int)baud); // 0 asks for the current rate
                }

                var rate = new byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(rate, (uint)_port.BaudRate);
                return Answer(code, rate);

            case ComPortOption.SET_DATASIZE when value.Length >= 1:
                return Answer(code, Only(value[0], ComPortOption.DATASIZE_REQUEST, ComPortOption.DATASIZE_8, "data size", "8 data bits"));

            case ComPortOption.SET_PARITY when value.Length >= 1:
                return Answer(code, Only(value[0], ComPortOption.PARITY_REQUEST, ComPortOption.PARITY_NONE, "parity", "no parity"));

            case ComPortOption.SET_STOPSIZE when value.Length >= 1:
                return Answer(code, Only(value[0], ComPortOption.STOPSIZE_REQUEST, ComPortOption.STOPSIZE_1, "stop size", "1 stop bit"));

            case ComPortOption.SET_CONTROL when value.Length >= 1:
                return Answer(code, Control(value[0]));

            case ComPortOption.NOTIFY_LINESTATE:
                return Answer(code, ComPortOption.LINESTATE_IDLE);

            case ComPortOption.NOTIFY_MODEMSTATE:
                // The DevKitC's USB bridge has no CTS/DSR/RI/DCD wired to the ESP32: no modem input is asserted.
                return Answer(code, 0);

            case ComPortOption.FLOWCONTROL_SUSPEND:
                _port.SuspendOutput(true);
                return null;

            case ComPortOption.FLOWCONTROL_RESUME:
                _port.SuspendOutput(false);
                return null;

            case ComPortOption.SET_LINESTATE_MASK when value.Length >= 1:
                _lineStateMask = value[0];
                return Answer(code, _lineStateMask);

            case ComPortOption.SET_MODEMSTATE_MASK when value.Length >= 1:
                _modemStateMask = value[0];
                return Answer(code, _modemStateMask);

            case ComPortOption.PURGE_DATA when value.Length >= 1:
                if (value[0] is ComPortOption.PURGE_RECEIVE or ComPortOption.PURGE_BOTH)
                {
                    _port.PurgeHeldOutput();
                }

                return Answer(code, value[0]); // nothing towards the chip is ever buffered: the sim takes bytes at once

            default:
                _log($"ignored RFC 2217 command {code} with {value.Length} value bytes: not a command this server knows");
                return null;
        }
    }

    private byte Only(byte requested, byte query, byte supported, string what, string description)
    {
        if (requested != query && requested != supported)
        {
            _log($"refused {what} {requested}: the simulated ESP32 UART runs {description} (answered with the value in effect)");
        }

        return supported;
    }

    private byte Control(byte request)
    {
        var lines = _port.Lines;
        switch (request)
        {
            case ComPortOption.CONTROL_DTR_ON:
            case ComPortOption.CONTROL_DTR_OFF:
                lines.SetDtr(request == ComPortOption.CONTROL_DTR_ON);
                return request;
            case ComPortOption.CONTROL_RTS_ON:
            case ComPortOption.CONTROL_RTS_OFF:
                lines.SetRts(request == ComPortOption.CONTROL_RTS_ON);
                return request;
            case ComPortOption.CONTROL_REQUEST_DTR:
                return lines.Dtr ? ComPortOption.CONTROL_DTR_ON : ComPortOption.CONTROL_DTR_OFF;
            case ComPortOption.CONTROL_REQUEST_RTS:
                return lines.Rts ? ComPortOption.CONTROL_RTS_ON : ComPortOption.CONTROL_RTS_OFF;
            case ComPortOption.CONTROL_BREAK_ON:
            case ComPortOption.CONTROL_BREAK_OFF:
                _break = request == ComPortOption.CONTROL_BREAK_ON; // a break on RX is no SLIP byte: the ROM ignores it
                return request;
            case ComPortOption.CONTROL_REQUEST_BREAK:
                return _break ? ComPortOption.CONTROL_BREAK_ON : ComPortOption.CONTROL_BREAK_OFF;
            case ComPortOption.CONTROL_REQUEST_FLOW:
            case ComPortOption.CONTROL_FLOW_NONE:
                return ComPortOption.CONTROL_FLOW_NONE;
            case ComPortOption.CONTROL_REQUEST_FLOW_IN:
            case ComPortOption.CONTROL_FLOW_IN_NONE:
                return ComPortOption.CONTROL_FLOW_IN_NONE;
            default:
                bool inbound = request is >= 15 and <= 16 or 18;
                _log($"refused flow control setting {request}: the ESP32's UART0 has no flow-control lines on the DevKitC (answered with none)");
                return inbound ? ComPortOption.CONTROL_FLOW_IN_NONE : ComPortOption.CONTROL_FLOW_NONE;
        }
    }

    private static byte[] Answer(byte code, params byte[] value)
    {
        var payload = new byte[value.Length + 2];
        payload[0] = Telnet.COM_PORT_OPTION;
        payload[1] = (byte)(code + ComPortOption.SERVER_OFFSET);
        value.CopyTo(payload, 2);
        return Telnet.Subnegotiation(payload[0], payload.AsSpan(1));
    }
}
