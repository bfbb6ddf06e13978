using System;
using NodeFirmware.Core.Util;

namespace NodeFirmware.Core.Cbor
{
    /// <summary>
    /// Writes definite-length CBOR (RFC 8949) in the preferred (shortest) serialization.
    /// The caller gives array and map lengths up front.
    /// </summary>
    public class CborWriter
    {
        private byte[] _buffer;
        private int _length;

        public CborWriter(int initialCapacity = 128)
        {
            _buffer = new byte[initialCapacity < 16 ? 16 : initialCapacity];
        }

        public int Length { get { return _length; } }

        public void Reset() { _length = 0; }

        public byte[] ToArray()
        {
            var result = new byte[_length];
            Array.Copy(_buffer, result, _length);
            return result;
        }

        public void WriteUInt64(ulong value) { WriteHead(CborMajorType.UnsignedInteger, value); }

        public void WriteInt64(long value)
        {
            if (value >= 0) WriteHead(CborMajorType.UnsignedInteger, (ulong)value);
            else WriteHead(CborMajorType.NegativeInteger, (ulong)(-1 - value));
        }

        public void WriteInt32(int value) { WriteInt64(value); }

        public void WriteBytes(byte[] value) { WriteBytes(value, 0, value.Length); }

        public void WriteBytes(byte[] value, int offset, int count)
        {
            WriteHead(CborMajorType.ByteString, (ulong)count);
            Append(value, offset, count);
        }

        public void WriteText(string value)
        {
            var bytes = Utf8.GetBytes(value);
            WriteHead(CborMajorType.TextString, (ulong)bytes.Length);
            Append(bytes, 0, bytes.Length);
        }

        public void WriteStartArray(int count) { WriteHead(CborMajorType.Array, (ulong)count); }

        public void WriteStartMap(int pairCount) { WriteHead(CborMajorType.Map, (ulong)pairCount); }

        public void WriteBoolean(bool value) { AppendByte(value ? (byte)0xF5 : (byte)0xF4); }

        public void WriteNull() { AppendByte(0xF6); }

        /// <summary>Appends already-encoded CBOR (one or more complete data items).</summary>
        public void WriteEncoded(byte[] encoded) { Append(encoded, 0, encoded.Length); }

        private void WriteHead(CborMajorType major, ulong argument)
        {
            int m = (int)major << 5;
            if (argument < 24) { AppendByte((byte)(m | (int)argument)); }
            else if (argument <= 0xFF) { AppendByte((byte)(m | 24)); AppendByte((byte)argument); }
            else if (argument <= 0xFFFF)
            {
                AppendByte((byte)(m | 25)); AppendByte((byte)(argument >> 8)); AppendByte((byte)argument);
            }
            else if (argument <= 0xFFFFFFFF)
            {
                AppendByte((byte)(m | 26));
                for (int shift = 24; shift >= 0; shift -= 8) AppendByte((byte)(argument >> shift));
            }
            else
            {
                AppendByte((byte)(m | 27));
                for (int shift = 56; shift >= 0; shift -= 8) AppendByte((byte)(argument >> shift));
            }
        }

        private void AppendByte(byte b)
        {
            Ensure(1);
            _buffer[_length++] = b;
        }

        private void Append(byte[] data, int offset, int count)
        {
            Ensure(count);
            Array.Copy(data, offset, _buffer, _length, count);
            _length += count;
        }

        private void Ensure(int extra)
        {
            if (_length + extra <= _buffer.Length) return;
            int size = _buffer.Length * 2;
            while (size < _length + extra) size *= 2;
            var grown = new byte[size];
            Array.Copy(_buffer, grown, _length);
            _buffer = grown;
        }
    }
}
