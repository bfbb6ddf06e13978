using System.Globalization;

namespace NodeFirmware.HostCommon.Partitions;

/// <summary>Numbers as partition CSVs write them: decimal, 0x hex, 0o/0b, with an optional K or M multiplier.</summary>
public static class PartitionNumber
{
    public static bool TryParse(string text, out long value)
    {
        value = 0;
        string t = text.Trim();
        if (t.Length == 0) return false;
        long multiplier = 1;
        char last = char.ToLowerInvariant(t[^1]);
        if (last == 'k' || last == 'm')
        {
            multiplier = last == 'k' ? 1024 : 1024 * 1024;
            t = t[..^1];
            if (t.Length == 0) return false;
        }
        bool negative = t.StartsWith('-');
        if (negative) t = t[1..];
        long magnitude = 0;
        bool ok;
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            ok = t.Length > 2 && t.Length <= 18 && long.TryParse(t[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out magnitude) && magnitude >= 0;
        else if (t.StartsWith("0o", StringComparison.OrdinalIgnoreCase))
            ok = TryParseBase(t[2..], 8, out magnitude);
        else if (t.StartsWith("0b", StringComparison.OrdinalIgnoreCase))
            ok = TryParseBase(t[2..], 2, out magnitude);
        else
            ok = t.Length <= 18 && t.All(char.IsAsciiDigit) && long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out magnitude);
        if (!ok || magnitude > uint.MaxValue) { magnitude = 0; return false; }
        value = (negative ? -magnitude : magnitude) * multiplier;
        return true;
    }

    /// <summary>A size the way ESP-IDF writes it back: whole M or K when it divides, hex otherwise.</summary>
    public static string FormatSize(long size)
    {
        if (size > 0 && size % (1024 * 1024) == 0) return $"{size / (1024 * 1024)}M";
        if (size > 0 && size % 1024 == 0) return $"{size / 1024}K";
        return $"0x{size:x}";
    }

    private static bool TryParseBase(string digits, int radix, out long value)
    {
        value = 0;
        if (digits.Length == 0 || digits.Length > 32) return false;
        foreach (char c in digits)
        {
            int d = c - '0';
            if (d < 0 || d >= radix) return false;
            value = value * radix + d;
        }
        return true;
    }
}
