namespace NodeFirmware.Nodectl.Flashing;

/// <summary>Opens what `--port` names: <c>rfc2217://HOST:PORT</c> (a networked serial port), else a local serial device.</summary>
public static class SerialLinks
{
    public static ISerialLink Open(string port, int baudRate = RomProtocol.ESP_ROM_BAUD) =>
        port.StartsWith(Rfc2217.UrlScheme, StringComparison.OrdinalIgnoreCase)
            ? Rfc2217SerialLink.Open(port, baudRate)
            : new SerialPortLink(port, baudRate);
}
