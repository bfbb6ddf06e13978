namespace NodeFirmware.Nodectl.Ports;

/// <summary>One serial port as `nodectl ports` reports it; the USB fields are null for a port that is not on USB.</summary>
public sealed record SerialPortInfo(
    string Port,
    string? Vid,
    string? Pid,
    string? Bridge,
    string? Manufacturer,
    string? Product,
    string? SerialNumber,
    IReadOnlyList<string> ByIdPaths);
