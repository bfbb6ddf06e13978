using System;

namespace NodeFirmware.Core.Vectors
{
    /// <summary>
    /// One case of a vector file: its name and its "key: value" lines, in order (a key may repeat, as
    /// "reading:" does). Accessors throw <see cref="VectorFormatException"/> naming the case and key.
    /// </summary>
    public class Vector
    {
        private readonly string[] _keys;
        private readonly string[] _values;

        public Vector(string name, int line, string[] keys, string[] values)
        {
            Name = name;
            Line = line;
            _keys = keys;
            _values = values;
        }

        public string Name { get; private set; }

        /// <summary>The line of the file the case starts on.</summary>
        public int Line { get; private set; }

        public bool Has(string key)
        {
            return IndexOf(key, 0) >= 0;
        }

        public string Text(string key)
        {
            int i = IndexOf(key, 0);
            if (i < 0) throw new VectorFormatException("case '" + Name + "' has no '" + key + "'");
            return _values[i];
        }

        public string TextOr(string key, string fallback)
        {
            int i = IndexOf(key, 0);
            return i < 0 ? fallback : _values[i];
        }

        /// <summary>Every value of a repeated key, in file order.</summary>
        public string[] All(string key)
        {
            int n = 0;
            for (int i = 0; i < _keys.Length; i++) if (_keys[i] == key) n++;
            var all = new string[n];
            n = 0;
            for (int i = 0; i < _keys.Length; i++) if (_keys[i] == key) all[n++] = _values[i];
            return all;
        }

        public byte[] Bytes(string key)
        {
            return HexText.Decode(Text(key), Name + "." + key);
        }

        public long Long(string key)
        {
            return HexText.ParseLong(Text(key), Name + "." + key);
        }

        public int Int(string key)
        {
            long v = Long(key);
            if (v < int.MinValue || v > int.MaxValue) throw new VectorFormatException(Name + "." + key + " out of int range");
            return (int)v;
        }

        public int IntOr(string key, int fallback)
        {
            return Has(key) ? Int(key) : fallback;
        }

        private int IndexOf(string key, int from)
        {
            for (int i = from; i < _keys.Length; i++) if (_keys[i] == key) return i;
            return -1;
        }
    }
}
