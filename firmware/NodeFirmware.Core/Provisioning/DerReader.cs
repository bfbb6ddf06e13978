using System;

namespace NodeFirmware.Core.Provisioning
{
    /// <summary>
    /// Walks DER (X.690) structures: one tag byte (low tag numbers only, which is all X.509 and PKCS#8 use),
    /// definite lengths of at most four bytes. Throws <see cref="FormatException"/> at the first flaw.
    /// </summary>
    public class DerReader
    {
        public const int Sequence = 0x30;
        public const int Integer = 0x02;
        public const int BitString = 0x03;
        public const int OctetString = 0x04;
        public const int ObjectId = 0x06;

        private const int MaxDepth = 16;

        private readonly byte[] _data;
        private readonly int _end;
        private int _at;

        public DerReader(byte[] data, int offset, int count)
        {
            if (data == null) throw new FormatException("no data");
            if (offset < 0 || count < 0 || offset + count > data.Length) throw new FormatException("range outside the data");
            _data = data;
            _at = offset;
            _end = offset + count;
        }

        public bool AtEnd { get { return _at >= _end; } }

        public int PeekTag()
        {
            if (AtEnd) throw new FormatException("element expected at offset " + _at);
            return _data[_at];
        }

        /// <summary>Reads one element with the given tag; returns a reader over its contents.</summary>
        public DerReader Read(int expectedTag, string what)
        {
            int tag = PeekTag();
            if (tag != expectedTag) throw new FormatException(what + ": tag 0x" + tag.ToString("x2") + ", expected 0x" + expectedTag.ToString("x2"));
            int start;
            int length = Header(out start);
            _at = start + length;
            return new DerReader(_data, start, length);
        }

        /// <summary>Reads one element with the given tag and returns a copy of its contents.</summary>
        public byte[] ReadBytes(int expectedTag, string what)
        {
            return Read(expectedTag, what).Rest();
        }

        /// <summary>Skips one element of any tag.</summary>
        public void Skip()
        {
            PeekTag();
            int start;
            int length = Header(out start);
            _at = start + length;
        }

        public void ExpectEnd(string what)
        {
            if (!AtEnd) throw new FormatException(what + ": " + (_end - _at) + " unexpected bytes at the end");
        }

        /// <summary>Checks that every element from here to the end is well-formed, constructed ones all the way down.</summary>
        public void CheckWellFormed()
        {
            CheckWellFormed(0);
        }

        private void CheckWellFormed(int depth)
        {
            if (depth > MaxDepth) throw new FormatException("nested deeper than " + MaxDepth);
            while (!AtEnd)
            {
                int tag = _data[_at];
                if ((tag & 0x1F) == 0x1F) throw new FormatException("high tag number at offset " + _at);
                int start;
                int length = Header(out start);
                if ((tag & 0x20) != 0) new DerReader(_data, start, length).CheckWellFormed(depth + 1);
                _at = start + length;
            }
        }

        private byte[] Rest()
        {
            var copy = new byte[_end - _at];
            Array.Copy(_data, _at, copy, 0, copy.Length);
            _at = _end;
            return copy;
        }

        private int Header(out int contentStart)
        {
            int p = _at + 1;
            if (p >= _end) throw new FormatException("length missing at offset " + p);
            int first = _data[p++];
            int length;
            if (first < 0x80) length = first;
            else
            {
                int count = first & 0x7F;
                if (count == 0 || count > 4) throw new FormatException("unsupported length form at offset " + (p - 1));
                if (p + count > _end) throw new FormatException("length runs past the end at offset " + p);
                if (_data[p] == 0) throw new FormatException("length not in its shortest form at offset " + p);
                length = 0;
                for (int i = 0; i < count; i++) length = (length << 8) | _data[p++];
                if (length < 0x80) throw new FormatException("length not in its shortest form at offset " + p);
            }
            if (length < 0 || length > _end - p) throw new FormatException("element of " + length + " bytes runs past the end at offset " + p);
            contentStart = p;
            return length;
        }
    }
}
