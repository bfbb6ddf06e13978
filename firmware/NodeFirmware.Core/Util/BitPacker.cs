namespace NodeFirmware.Core.Util
{
    /// <summary>
    /// Writes unsigned values of a chosen bit width into bytes, least significant bit first, and zigzag LEB128
    /// varints on byte boundaries (docs/formats/README.md, "Telemetry batch, version 2").
    /// </summary>
    public class BitPacker
    {
        private byte[] _buffer;
        private int _bits;

        public BitPacker(int initialCapacity)
        {
            _buffer = new byte[initialCapacity < 8 ? 8 : initialCapacity];
        }

        /// <summary>Bytes written so far; a partly filled last byte counts.</summary>
        public int Length { get { return (_bits + 7) / 8; } }

        public byte[] ToArray()
        {
            var result = new byte[Length];
            System.Array.Copy(_buffer, result, result.Length);
            return result;
        }

        public void WriteByte(int value)
        {
            AlignToByte();
            EnsureBytes(Length + 1);
            _buffer[_bits / 8] = (byte)value;
            _bits += 8;
        }

        /// <summary>A signed value as a zigzag varint: 7 bits a byte, low group first, the top bit set on all but the last.</summary>
        public void WriteSignedVarint(long value)
        {
            ulong v = ZigZag(value);
            while (v >= 0x80)
            {
                WriteByte((int)(v & 0x7F) | 0x80);
                v >>= 7;
            }
            WriteByte((int)v);
        }

        /// <summary>The low <paramref name="width"/> bits of <paramref name="value"/> (0..64), continuing the bit stream.</summary>
        public void WriteBits(ulong value, int width)
        {
            EnsureBytes((_bits + width + 7) / 8);
            int done = 0;
            while (done < width)
            {
                int offset = _bits % 8;
                int take = 8 - offset < width - done ? 8 - offset : width - done;
                int part = (int)((value >> done) & (ulong)((1 << take) - 1));
                _buffer[_bits / 8] |= (byte)(part << offset);
                _bits += take;
                done += take;
            }
        }

        /// <summary>Maps 0, -1, 1, -2, … to 0, 1, 2, 3, … without shifting a signed value (docs/firmware-core-rules.md).</summary>
        public static ulong ZigZag(long value)
        {
            return value >= 0 ? (ulong)value << 1 : (((ulong)(-(value + 1))) << 1) | 1;
        }

        /// <summary>How many bits <paramref name="value"/> needs (0 for 0).</summary>
        public static int BitWidth(ulong value)
        {
            int width = 0;
            while (value != 0) { width++; value >>= 1; }
            return width;
        }

        private void AlignToByte()
        {
            _bits = Length * 8;
        }

        private void EnsureBytes(int needed)
        {
            if (needed <= _buffer.Length) return;
            int size = _buffer.Length * 2;
            if (size < needed) size = needed;
            var bigger = new byte[size];
            System.Array.Copy(_buffer, bigger, _buffer.Length);
            _buffer = bigger;
        }
    }
}
