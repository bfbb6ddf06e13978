using System;

namespace NodeFirmware.Core.Vectors
{
    /// <summary>Hex and integer text as vector files write them; nanoFramework-safe (no Convert, no globalization).</summary>
    public static class HexText
    {
        private const string Digits = "0123456789abcdef";

        public static string Encode(byte[] bytes)
        {
            var chars = new char[bytes.Length * 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                chars[2 * i] = Digits[bytes[i] >> 4];
                chars[2 * i + 1] = Digits[bytes[i] & 0xF];
            }
            return new string(chars);
        }

        /// <summary>Hex digits, either case, spaces ignored; "-" stands for no bytes.</summary>
        public static byte[] Decode(string text, string what)
        {
            if (text == "-") return new byte[0];
            var digits = new char[text.Length];
            int n = 0;
            for (int i = 0; i < text.Length; i++) if (text[i] != ' ') digits[n++] = text[i];
            if (n % 2 != 0) throw new VectorFormatException(what + ": odd number of hex digits");
            var bytes = new byte[n / 2];
            for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)((Nibble(digits[2 * i], what) << 4) | Nibble(digits[2 * i + 1], what));
            return bytes;
        }

        /// <summary>A decimal integer with an optional leading '-', or 0x-prefixed hex.</summary>
        public static long ParseLong(string text, string what)
        {
            bool negative = text.Length > 0 && text[0] == '-';
            int start = negative ? 1 : 0;
            bool hex = text.Length > start + 2 && text[start] == '0' && text[start + 1] == 'x';
            if (hex) start += 2;
            if (start >= text.Length) throw new VectorFormatException(what + ": not an integer: '" + text + "'");
            long value = 0;
            for (int i = start; i < text.Length; i++)
            {
                int d = hex ? Nibble(text[i], what) : text[i] - '0';
                if (d < 0 || d > (hex ? 15 : 9)) throw new VectorFormatException(what + ": not an integer: '" + text + "'");
                value = value * (hex ? 16 : 10) + d;
            }
            return negative ? -value : value;
        }

        private static int Nibble(char c, string what)
        {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            throw new VectorFormatException(what + ": not a hex digit: '" + c + "'");
        }
    }
}
