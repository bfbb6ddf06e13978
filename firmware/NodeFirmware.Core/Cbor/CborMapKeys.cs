namespace NodeFirmware.Core.Cbor
{
    /// <summary>
    /// Walks the keys of one CBOR map whose keys are text strings, for decoders of security-relevant messages:
    /// a key that appears twice, a key that is not text, or more pairs than the caller allows raise
    /// <see cref="CborException"/> (no "last one wins"). Remembers which keys were present.
    /// The caller reads each value itself, right after <see cref="Next"/>.
    /// </summary>
    public class CborMapKeys
    {
        private readonly CborReader _reader;
        private readonly string _what;
        private readonly string[] _seen;
        private readonly int _pairs;
        private int _read;

        /// <summary>Reads the map's head from <paramref name="reader"/>; <paramref name="what"/> names the message in errors.</summary>
        public CborMapKeys(CborReader reader, string what, int maxPairs)
        {
            _reader = reader;
            _what = what;
            _pairs = reader.ReadStartMap();
            if (_pairs > maxPairs) throw new CborException(what + ": " + _pairs + " keys, at most " + maxPairs + " expected");
            _seen = new string[_pairs];
        }

        /// <summary>The key just read by <see cref="Next"/>.</summary>
        public string Key { get; private set; }

        /// <summary>Reads the next key; false when the map has no more pairs.</summary>
        public bool Next()
        {
            if (_read == _pairs) return false;
            string key = _reader.ReadText();
            for (int i = 0; i < _read; i++)
            {
                if (_seen[i] == key) throw new CborException(_what + ": duplicate key '" + key + "'");
            }
            _seen[_read++] = key;
            Key = key;
            return true;
        }

        public bool Has(string key)
        {
            for (int i = 0; i < _read; i++) if (_seen[i] == key) return true;
            return false;
        }
    }
}
