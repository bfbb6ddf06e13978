namespace NodeFirmware.Nodectl.Flashing;

/// <summary>The error byte the ESP32 ROM loader sends after a failure status (Espressif serial protocol docs).</summary>
public enum RomErrorCode : byte
{
    None = 0x00,
    InvalidMessage = 0x05,
    FailedToAct = 0x06,
    InvalidCrc = 0x07,
    FlashWriteError = 0x08,
    FlashReadError = 0x09,
    FlashReadLengthError = 0x0A,
    DeflateError = 0x0B,
}

public static class RomErrorCodes
{
    public static string Describe(byte code) => (RomErrorCode)code switch
    {
        RomErrorCode.InvalidMessage => "received message is invalid (parameters or length field)",
        RomErrorCode.FailedToAct => "failed to act on received message",
        RomErrorCode.InvalidCrc => "invalid CRC (checksum) in message",
        RomErrorCode.FlashWriteError => "flash write error (read-back after write did not match)",
        RomErrorCode.FlashReadError => "flash read error (SPI read failed)",
        RomErrorCode.FlashReadLengthError => "flash read length error (request too long)",
        RomErrorCode.DeflateError => "deflate error (compressed data could not be inflated)",
        _ => $"unknown ROM error 0x{code:X2}",
    };
}
