namespace NodeFirmware.Nodectl.Firmware;

/// <summary>A firmware command cannot go on: bad input, wrong passphrase, a package that does not verify. The message says which.</summary>
public sealed class FirmwareToolException(string message) : Exception(message);
