using NodeFirmware.Core.Cbor;

namespace NodeFirmware.Core.Vectors.Checks
{
    /// <summary>
    /// RFC 8949 diagnostic notation for the part of CBOR that Core reads and writes: integers, byte and text
    /// strings, arrays, maps, true, false, null. Other items (floats, tags, other simple values) print as
    /// "skip(N)", N their encoded length, and cannot be written back.
    /// </summary>
    public static class CborDiagnostic
    {
        private const string HexDigits = "0123456789abcdef";

        /// <summary>The next data item of <paramref name="r"/> in diagnostic notation.</summary>
        public static string Read(CborReader r)
        {
            switch (r.PeekMajorType())
            {
                case CborMajorType.UnsignedInteger:
                    return r.ReadUInt64().ToString();
                case CborMajorType.NegativeInteger:
                    return r.ReadInt64().ToString();
                case CborMajorType.ByteString:
                    return "h'" + HexText.Encode(r.ReadBytes()) + "'";
                case CborMajorType.TextString:
                    return Quote(r.ReadText());
                case CborMajorType.Array:
                    {
                        int n = r.ReadStartArray();
                        string s = "[";
                        for (int i = 0; i < n; i++) s += (i > 0 ? ", " : "") + Read(r);
                        return s + "]";
                    }
                case CborMajorType.Map:
                    {
                        int n = r.ReadStartMap();
                        string s = "{";
                        for (int i = 0; i < n; i++)
                        {
                            string key = Read(r);
                            s += (i > 0 ? ", " : "") + key + ": " + Read(r);
                        }
                        return s + "}";
                    }
                default:
                    if (r.PeekIsNull())
                    {
                        r.ReadNull();
                        return "null";
                    }
                    byte[] item = r.ReadEncodedValue();
                    if (item.Length == 1 && (item[0] == 0xF4 || item[0] == 0xF5)) return new CborReader(item).ReadBoolean() ? "true" : "false";
                    return "skip(" + item.Length + ")";
            }
        }

        /// <summary>Writes the diagnostic text (one data item) with Core's writer.</summary>
        public static byte[] Write(string diagnostic)
        {
            var w = new CborWriter(64);
            int at = Item(diagnostic, Skip(diagnostic, 0), w);
            if (Skip(diagnostic, at) != diagnostic.Length) throw new VectorFormatException("diagnostic: trailing text at " + at + " in " + diagnostic);
            return w.ToArray();
        }

        private static int Item(string d, int at, CborWriter w)
        {
            if (at >= d.Length) throw new VectorFormatException("diagnostic: item expected at the end of " + d);
            char c = d[at];
            if (c == '[' || c == '{') return Container(d, at, w);
            if (c == '"') return TextString(d, at, w);
            if (c == 'h' && at + 1 < d.Length && d[at + 1] == '\'')
            {
                int end = d.IndexOf('\'', at + 2);
                w.WriteBytes(HexText.Decode(d.Substring(at + 2, end - at - 2).Length == 0 ? "-" : d.Substring(at + 2, end - at - 2), "diagnostic"));
                return end + 1;
            }
            if (Word(d, at, "true")) { w.WriteBoolean(true); return at + 4; }
            if (Word(d, at, "false")) { w.WriteBoolean(false); return at + 5; }
            if (Word(d, at, "null")) { w.WriteNull(); return at + 4; }
            return Integer(d, at, w);
        }

        private static int Container(string d, int at, CborWriter w)
        {
            bool map = d[at] == '{';
            char close = map ? '}' : ']';
            var inner = new CborWriter(64);
            int count = 0;
            at = Skip(d, at + 1);
            while (d[at] != close)
            {
                if (count > 0)
                {
                    if (d[at] != ',') throw new VectorFormatException("diagnostic: ',' expected at " + at + " in " + d);
                    at = Skip(d, at + 1);
                }
                at = Skip(d, Item(d, at, inner));
                if (map)
                {
                    if (d[at] != ':') throw new VectorFormatException("diagnostic: ':' expected at " + at + " in " + d);
                    at = Skip(d, Item(d, Skip(d, at + 1), inner));
                }
                count++;
            }
            if (map) w.WriteStartMap(count); else w.WriteStartArray(count);
            w.WriteEncoded(inner.ToArray());
            return at + 1;
        }

        private static int TextString(string d, int at, CborWriter w)
        {
            var chars = new char[d.Length];
            int n = 0;
            int i = at + 1;
            while (d[i] != '"')
            {
                if (d[i] != '\\') { chars[n++] = d[i++]; continue; }
                char e = d[i + 1];
                if (e == 'u')
                {
                    chars[n++] = (char)HexText.ParseLong("0x" + d.Substring(i + 2, 4), "diagnostic \\u");
                    i += 6;
                }
                else
                {
                    chars[n++] = e;
                    i += 2;
                }
            }
            w.WriteText(new string(chars, 0, n));
            return i + 1;
        }

        private static int Integer(string d, int at, CborWriter w)
        {
            bool negative = d[at] == '-';
            int i = negative ? at + 1 : at;
            ulong value = 0;
            int start = i;
            while (i < d.Length && d[i] >= '0' && d[i] <= '9') value = value * 10 + (ulong)(d[i++] - '0');
            if (i == start) throw new VectorFormatException("diagnostic: unknown item at " + at + " in " + d);
            if (negative) w.WriteInt64(-(long)value);
            else w.WriteUInt64(value);
            return i;
        }

        private static bool Word(string d, int at, string word)
        {
            return at + word.Length <= d.Length && d.Substring(at, word.Length) == word;
        }

        private static int Skip(string d, int at)
        {
            while (at < d.Length && d[at] == ' ') at++;
            return at;
        }

        /// <summary>A text string as RFC 8949's examples write it: printable ASCII as is, '"' and '\' escaped, the rest as \uXXXX.</summary>
        public static string Quote(string text)
        {
            var chars = new char[text.Length * 6 + 2];
            int n = 0;
            chars[n++] = '"';
            foreach (char c in text.ToCharArray()) // not the indexer: see Core's Util/Utf8.cs
            {
                if (c == '"' || c == '\\')
                {
                    chars[n++] = '\\';
                    chars[n++] = c;
                }
                else if (c >= 0x20 && c < 0x7F) chars[n++] = c;
                else
                {
                    chars[n++] = '\\';
                    chars[n++] = 'u';
                    for (int shift = 12; shift >= 0; shift -= 4) chars[n++] = HexDigits[(c >> shift) & 0xF];
                }
            }
            chars[n++] = '"';
            return new string(chars, 0, n);
        }
    }
}
