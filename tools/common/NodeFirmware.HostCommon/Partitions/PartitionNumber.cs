using System.Globalization;
using System.Numerics;

namespace NodeFirmware.HostCommon.Partitions;

/// <summary>
/// Numbers as ESP-IDF's gen_esp32part.py reads them: a trailing k/K or m/M multiplies by 1024 or 1024² and is peeled
/// off repeatedly ("1kk" is 1M), what remains is a Python integer literal as int(text, 0) takes it (decimal without
/// leading zeros, 0x/0o/0b, a sign, '_' between digits), and only when that fails is it looked up as a keyword,
/// case-insensitively (so "otak" is the keyword ota times 1024).
/// </summary>
public static class PartitionNumber
{
    public static bool TryParse(string text, out long value)
    {
        var parsed = Parse(text, null);
        bool ok = parsed is BigInteger v && v >= long.MinValue && v <= long.MaxValue;
        value = ok ? (long)parsed!.Value : 0;
        return ok;
    }

    /// <summary>The value, or null where gen_esp32part refuses the text. The value may be far outside any field's range.</summary>
    internal static BigInteger? Parse(string text, IReadOnlyDictionary<string, byte>? keywords)
    {
        if (text.Length > 0)
        {
            char last = char.ToLowerInvariant(text[^1]);
            if (last is 'k' or 'm')
                return Parse(text[..^1], keywords) * (last == 'k' ? 1024 : 1024 * 1024);
        }
        if (TryParsePythonInt(text, out var value)) return value;
        if (keywords != null && keywords.TryGetValue(text.ToLowerInvariant(), out byte keyword)) return keyword;
        return null;
    }

    /// <summary>
    /// A size the way gen_esp32part writes it to CSV: whole megabytes as "nM", else whole kilobytes as "nK", else hex
    /// (so a size of 0 is "0M").
    /// </summary>
    public static string FormatSize(long size)
    {
        if (size % (1024 * 1024) == 0) return $"{size / (1024 * 1024)}M";
        if (size % 1024 == 0) return $"{size / 1024}K";
        return $"0x{size:x}";
    }

    /// <summary>Python's int(text, 0).</summary>
    private static bool TryParsePythonInt(string text, out BigInteger value)
    {
        value = BigInteger.Zero;
        // CPython first maps every Unicode decimal digit to its ASCII digit and every whitespace to a space.
        var ascii = new char[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c < 128) ascii[i] = c;
            else if (PythonText.IsSpace(c)) ascii[i] = ' ';
            else if (CharUnicodeInfo.GetDecimalDigitValue(c) is int d and >= 0) ascii[i] = (char)('0' + d);
            else return false;
        }
        string s = PythonText.Strip(new string(ascii));
        bool negative = false;
        if (s.Length > 0 && s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        int radix = 10;
        bool prefixed = false;
        if (s.Length >= 2 && s[0] == '0' && char.ToLowerInvariant(s[1]) is 'x' or 'o' or 'b')
        {
            radix = char.ToLowerInvariant(s[1]) switch { 'x' => 16, 'o' => 8, _ => 2 };
            s = s[2..];
            prefixed = true;
            if (s.StartsWith('_')) s = s[1..]; // one underscore may follow the prefix
        }
        if (s.Length == 0 || s[0] == '_' || s[^1] == '_' || s.Contains("__")) return false;
        string digits = s.Replace("_", "");
        BigInteger v = BigInteger.Zero;
        foreach (char c in digits)
        {
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'z' ? c - 'a' + 10 : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : 99;
            if (d >= radix) return false;
            v = v * radix + d;
        }
        // A decimal literal may not have leading zeros unless it is all zeros ("00" is 0, "010" is refused).
        if (!prefixed && digits[0] == '0' && !v.IsZero) return false;
        value = negative ? -v : v;
        return true;
    }
}
