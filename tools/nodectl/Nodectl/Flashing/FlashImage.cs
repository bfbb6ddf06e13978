using System.Globalization;

namespace NodeFirmware.Nodectl.Flashing;

/// <summary>Bytes to write at a flash offset; the name is only for messages.</summary>
public sealed record FlashImage(uint Offset, byte[] Data, string Name)
{
    /// <summary>Parses "0x1000:bootloader.bin" (hex with 0x, or decimal) and reads the file.</summary>
    public static FlashImage Load(string spec)
    {
        int colon = spec.IndexOf(':');
        if (colon <= 0 || colon == spec.Length - 1)
        {
            throw new FlashingException($"image \"{spec}\" is not OFFSET:FILE (e.g. 0x10000:app.bin)");
        }

        uint offset = ParseOffset(spec[..colon]);
        string path = spec[(colon + 1)..];
        if (!File.Exists(path))
        {
            throw new FlashingException($"image file \"{path}\" does not exist");
        }

        return new FlashImage(offset, File.ReadAllBytes(path), Path.GetFileName(path));
    }

    public static uint ParseOffset(string text)
    {
        bool ok = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? uint.TryParse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint value)
            : uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (!ok)
        {
            throw new FlashingException($"flash offset \"{text}\" is not a number (use hex like 0x10000 or decimal)");
        }

        return value;
    }

    public override string ToString() => $"{Name} ({Data.Length} bytes at 0x{Offset:X})";
}

/// <summary>Where a flashing run is; reported after every block.</summary>
public sealed record FlashProgress(int ImageIndex, int ImageCount, string ImageName, long BytesWritten, long BytesTotal, string Phase);

/// <summary>What one image cost on the wire.</summary>
public sealed record FlashImageResult(FlashImage Image, int BytesSent, bool Compressed, string? VerifiedMd5);
