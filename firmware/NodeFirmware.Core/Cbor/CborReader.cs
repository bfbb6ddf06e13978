using System;
using NodeFirmware.Core.Util;

namespace NodeFirmware.Core.Cbor
{
    /// <summary>
    /// A forward-only reader of definite-length CBOR (RFC 8949). Strict: indefinite lengths, reserved
    /// additional-information values, lengths past the end of the input and nesting deeper than
    /// <see cref="MaxDepth"/> all raise <see cref="CborException"/>. Tags are skipped by <see cref="SkipValue"/>
    /// and otherwise refused.
    /// </summary>
    public class CborReader
    {
        public const int MaxDepth = 16;

        private readonly byte[] _data;
        private readonly int _end;
        private int _position;

        public CborReader(byte[] data) : this(data, 0, data.Length) { }

        public CborReader(byte[] data, int offset, int count)
        {
            if (data == null) throw new CborException("no input");
            if (offset < 0 || count < 0 || offset + count > data.Length) throw new CborException("input range out of bounds");
            _data = data;
            _position = offset;
            _end = offset + count;
        }

        public int Position { get { return _position; } }

        public bool AtEnd { get { return _position >= _end; } }

        public CborMajorType PeekMajorType()
        {
            Need(1);
            return (CborMajorType)(_data[_position] >> 5);
        }

        public bool PeekIsNull()
        {
            return _position < _end && _data[_position] == 0xF6;
        }

        public ulong ReadUInt64()
        {
            if (PeekMajorType() != CborMajorType.UnsignedInteger) throw Unexpected("unsigned integer");
            return ReadHead();
        }

        public long ReadInt64()
        {
            var major = PeekMajorType();
            if (major == CborMajorType.UnsignedInteger)
            {
                ulong v = ReadHead();
                if (v > long.MaxValue) throw new CborException("integer out of range");
                return (long)v;
            }
            if (major == CborMajorType.NegativeInteger)
            {
                ulong v = ReadHead();
                if (v > long.MaxValue) throw new CborException("integer out of range");
                return -1 - (long)v;
            }
            throw Unexpected("integer");
        }

        /// <summary>An integer in 0..int.MaxValue: a negative one (e.g. -1) is refused, never wrapped.</summary>
        public int ReadNonNegativeInt32()
        {
            if (PeekMajorType() == CborMajorType.NegativeInteger) throw new CborException("negative integer where an unsigned one is required");
            ulong v = ReadUInt64();
            if (v > int.MaxValue) throw new CborException("integer out of range");
            return (int)v;
        }

        /// <summary>An unsigned integer up to 4294967295; a negative one is refused, never wrapped.</summary>
        public uint ReadUInt32()
        {
            if (PeekMajorType() == CborMajorType.NegativeInteger) throw new CborException("negative integer where an unsigned one is required");
            ulong v = ReadUInt64();
            if (v > 0xFFFFFFFF) throw new CborException("integer out of 32-bit unsigned range");
            return (uint)v;
        }

        /// <summary>Throws unless the whole input was consumed: one top-level item, nothing after it.</summary>
        public void ExpectEnd(string what)
        {
            if (_position != _end) throw new CborException(what + ": " + (_end - _position) + " trailing byte(s) after the top-level item");
        }

        public int ReadInt32()
        {
            long v = ReadInt64();
            if (v < int.MinValue || v > int.MaxValue) throw new CborException("integer out of 32-bit range");
            return (int)v;
        }

        public byte[] ReadBytes()
        {
            if (PeekMajorType() != CborMajorType.ByteString) throw Unexpected("byte string");
            int length = ReadLength();
            var result = new byte[length];
            Array.Copy(_data, _position, result, 0, length);
            _position += length;
            return result;
        }

        public string ReadText()
        {
            if (PeekMajorType() != CborMajorType.TextString) throw Unexpected("text string");
            int length = ReadLength();
            string s;
            try
            {
                s = Utf8.GetString(_data, _position, length);
            }
            catch (FormatException e)
            {
                throw new CborException("text string: " + e.Message);
            }
            _position += length;
            return s;
        }

        public int ReadStartArray()
        {
            if (PeekMajorType() != CborMajorType.Array) throw Unexpected("array");
            return ReadCount(1);
        }

        public int ReadStartMap()
        {
            if (PeekMajorType() != CborMajorType.Map) throw Unexpected("map");
            return ReadCount(2);
        }

        public bool ReadBoolean()
        {
            Need(1);
            byte b = _data[_position];
            if (b == 0xF4 || b == 0xF5) { _position++; return b == 0xF5; }
            throw Unexpected("boolean");
        }

        public void ReadNull()
        {
            Need(1);
            if (_data[_position] != 0xF6) throw Unexpected("null");
            _position++;
        }

        /// <summary>Skips one complete data item, however deeply nested (up to <see cref="MaxDepth"/>).</summary>
        public void SkipValue()
        {
            Skip(0);
        }

        /// <summary>Returns the encoded bytes of the next complete data item and moves past it.</summary>
        public byte[] ReadEncodedValue()
        {
            int start = _position;
            Skip(0);
            var result = new byte[_position - start];
            Array.Copy(_data, start, result, 0, result.Length);
            return result;
        }

        private void Skip(int depth)
        {
            if (depth > MaxDepth) throw new CborException("nesting deeper than " + MaxDepth);
            var major = PeekMajorType();
            switch (major)
            {
                case CborMajorType.UnsignedInteger:
                case CborMajorType.NegativeInteger:
                    ReadHead();
                    break;
                case CborMajorType.ByteString:
                case CborMajorType.TextString:
                    int length = ReadLength(); // read first: ReadLength itself moves _position past the head
                    _position += length;
                    break;
                case CborMajorType.Array:
                    for (int i = ReadCount(1); i > 0; i--) Skip(depth + 1);
                    break;
                case CborMajorType.Map:
                    for (int i = ReadCount(2); i > 0; i--) { Skip(depth + 1); Skip(depth + 1); }
                    break;
                case CborMajorType.Tag:
                    ReadHead();
                    Skip(depth + 1);
                    break;
                default:
                    SkipSimpleOrFloat();
                    break;
            }
        }

        private void SkipSimpleOrFloat()
        {
            int info = _data[_position] & 0x1F;
            if (info < 24) { _position++; return; }
            int size = info == 24 ? 1 : info == 25 ? 2 : info == 26 ? 4 : info == 27 ? 8 : -1;
            if (size < 0) throw new CborException("reserved or indefinite-length item");
            Need(1 + size);
            // RFC 8949, section 3.3: a simple value below 32 has a one-byte form only.
            if (info == 24 && _data[_position + 1] < 32) throw new CborException("two-byte simple value below 32");
            _position += 1 + size;
        }

        /// <summary>Reads a length for a string; it must fit in what remains of the input.</summary>
        private int ReadLength()
        {
            ulong length = ReadHead();
            if (length > (ulong)(_end - _position)) throw new CborException("string length past the end of the input");
            return (int)length;
        }

        /// <summary>Reads an item count; each item takes at least one byte, which bounds a lying count.</summary>
        private int ReadCount(int bytesPerEntry)
        {
            ulong count = ReadHead();
            if (count > (ulong)(_end - _position) / (ulong)bytesPerEntry) throw new CborException("item count past the end of the input");
            return (int)count;
        }

        private ulong ReadHead()
        {
            Need(1);
            int info = _data[_position] & 0x1F;
            _position++;
            if (info < 24) return (ulong)info;
            int size = info == 24 ? 1 : info == 25 ? 2 : info == 26 ? 4 : info == 27 ? 8 : -1;
            if (size < 0) throw new CborException("indefinite length or reserved additional information");
            Need(size);
            ulong value = 0;
            for (int i = 0; i < size; i++) value = (value << 8) | _data[_position++];
            return value;
        }

        private void Need(int count)
        {
            if (_end - _position < count) throw new CborException("truncated input");
        }

        private CborException Unexpected(string wanted)
        {
            return new CborException("expected " + wanted + " at byte " + _position + ", found major type " + (int)(_data[_position] >> 5));
        }
    }
}
