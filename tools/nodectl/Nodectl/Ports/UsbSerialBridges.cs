namespace NodeFirmware.Nodectl.Ports;

/// <summary>USB-UART bridges found on ESP32 boards, by USB vendor:product id (as the chips' vendors publish them).</summary>
public static class UsbSerialBridges
{
    private static readonly Dictionary<(string Vid, string Pid), string> Known = new()
    {
        [("10c4", "ea60")] = "Silicon Labs CP210x",
        [("1a86", "7523")] = "WCH CH340",
        [("1a86", "55d4")] = "WCH CH9102",
        [("0403", "6001")] = "FTDI FT232R",
        [("0403", "6010")] = "FTDI FT2232",
        [("0403", "6015")] = "FTDI FT231X",
        [("303a", "1001")] = "Espressif USB-Serial/JTAG (ESP32-S3/C3 built-in)",
    };

    /// <summary>The bridge's name, or null for an id not in the list.</summary>
    public static string? Name(string vid, string pid) =>
        Known.TryGetValue((vid.ToLowerInvariant(), pid.ToLowerInvariant()), out var name) ? name : null;
}
