using System;

namespace NodeFirmware.Core.Util
{
    /// <summary>
    /// Strict UTF-8 encoding and decoding; nanoFramework's mscorlib has no System.Text.Encoding.
    /// Strings are read through ToCharArray, never the indexer: on nanoCLR, whose strings are UTF-8 inside,
    /// s[i] returns the high surrogate for both halves of a character above U+FFFF (firmware/vectors/cbor.vec,
    /// "\ud800\udd51", caught it), while ToCharArray gives both halves right.
    /// </summary>
    public static class Utf8
    {
        public static byte[] GetBytes(string text)
        {
            char[] s = text.ToCharArray();
            var buffer = new byte[Count(s)];
            int n = 0;
            for (int i = 0; i < s.Length; i++)
            {
                int cp = s[i];
                if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < s.Length && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF)
                {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (s[i + 1] - 0xDC00);
                    i++;
                }
                else if (cp >= 0xD800 && cp <= 0xDFFF)
                {
                    cp = 0xFFFD;
                }
                n = Put(buffer, n, cp);
            }
            return buffer;
        }

        public static int GetByteCount(string text)
        {
            return Count(text.ToCharArray());
        }

        private static int Count(char[] s)
        {
            int count = 0;
            for (int i = 0; i < s.Length; i++)
            {
                int c = s[i];
                if (c < 0x80) count += 1;
                else if (c < 0x800) count += 2;
                else if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.Length && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) { count += 4; i++; }
                else count += 3;
            }
            return count;
        }

        /// <summary>Decodes; throws <see cref="FormatException"/> on malformed, overlong or surrogate sequences.</summary>
        public static string GetString(byte[] b, int offset, int count)
        {
            var chars = new char[count];
            int n = 0;
            int end = offset + count;
            int i = offset;
            while (i < end)
            {
                int b0 = b[i];
                int cp;
                int len;
                if (b0 < 0x80) { cp = b0; len = 1; }
                else if ((b0 & 0xE0) == 0xC0) { cp = b0 & 0x1F; len = 2; }
                else if ((b0 & 0xF0) == 0xE0) { cp = b0 & 0x0F; len = 3; }
                else if ((b0 & 0xF8) == 0xF0) { cp = b0 & 0x07; len = 4; }
                else throw new FormatException("invalid UTF-8 lead byte");
                if (i + len > end) throw new FormatException("truncated UTF-8 sequence");
                for (int k = 1; k < len; k++)
                {
                    int bk = b[i + k];
                    if ((bk & 0xC0) != 0x80) throw new FormatException("invalid UTF-8 continuation byte");
                    cp = (cp << 6) | (bk & 0x3F);
                }
                if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF)
                    throw new FormatException("overlong or out-of-range UTF-8 sequence");
                if (cp >= 0xD800 && cp <= 0xDFFF) throw new FormatException("UTF-8 encoded surrogate");
                if (cp >= 0x10000)
                {
                    cp -= 0x10000;
                    chars[n++] = (char)(0xD800 + (cp >> 10));
                    chars[n++] = (char)(0xDC00 + (cp & 0x3FF));
                }
                else
                {
                    chars[n++] = (char)cp;
                }
                i += len;
            }
            return new string(chars, 0, n);
        }

        private static int Put(byte[] b, int n, int cp)
        {
            if (cp < 0x80) { b[n++] = (byte)cp; }
            else if (cp < 0x800) { b[n++] = (byte)(0xC0 | (cp >> 6)); b[n++] = (byte)(0x80 | (cp & 0x3F)); }
            else if (cp < 0x10000)
            {
                b[n++] = (byte)(0xE0 | (cp >> 12)); b[n++] = (byte)(0x80 | ((cp >> 6) & 0x3F)); b[n++] = (byte)(0x80 | (cp & 0x3F));
            }
            else
            {
                b[n++] = (byte)(0xF0 | (cp >> 18)); b[n++] = (byte)(0x80 | ((cp >> 12) & 0x3F));
                b[n++] = (byte)(0x80 | ((cp >> 6) & 0x3F)); b[n++] = (byte)(0x80 | (cp & 0x3F));
            }
            return n;
        }
    }
}
