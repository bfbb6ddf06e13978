namespace NodeFirmware.Nodectl.Flashing;

/// <summary>The chip's factory (base) MAC from efuse; the device id and certificate CN derive from it.</summary>
public sealed record EspMacAddress
{
    private readonly byte[] _bytes;

    public EspMacAddress(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 6)
        {
            throw new ArgumentException($"a MAC address has 6 bytes, not {bytes.Length}", nameof(bytes));
        }

        _bytes = bytes.ToArray();
    }

    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Decodes ESP32 efuse words 1 and 2 (EFUSE_BLK0_RDATA1/2): MAC bytes 0..1 in word 2, 2..5 in word 1.</summary>
    public static EspMacAddress FromEsp32Efuse(uint word1, uint word2)
    {
        var mac = new byte[]
        {
            (byte)(word2 >> 8), (byte)word2,
            (byte)(word1 >> 24), (byte)(word1 >> 16), (byte)(word1 >> 8), (byte)word1,
        };
        if (Array.TrueForAll(mac, b => b == 0x00) || Array.TrueForAll(mac, b => b == 0xFF))
        {
            throw new FlashingException($"efuse MAC {Format(mac)} is blank: the efuse words read 0x{word1:X8} 0x{word2:X8}");
        }

        return new EspMacAddress(mac);
    }

    /// <summary>The device id of docs/formats: "esp32-" and the lower-case hex of the base MAC.</summary>
    public string ToDeviceId() => "esp32-" + Convert.ToHexStringLower(_bytes);

    public override string ToString() => Format(_bytes);

    public bool Equals(EspMacAddress? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    public override int GetHashCode() => HashCode.Combine(_bytes[0], _bytes[1], _bytes[2], _bytes[3], _bytes[4], _bytes[5]);

    private static string Format(byte[] mac) => string.Join(':', mac.Select(b => b.ToString("x2")));
}
