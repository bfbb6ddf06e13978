namespace NodeFirmware.Core.Crypto
{
    /// <summary>
    /// Scalars modulo the group order L = 2^252 + 27742317777372353535851937790883648493 (RFC 8032),
    /// as 32 little-endian bytes.
    /// </summary>
    public static class Scalar25519
    {
        public const int Size = 32;

        private static readonly byte[] L =
        {
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
        };

        /// <summary>The order as eight little-endian 32-bit words (the bytes above, regrouped).</summary>
        private static readonly uint[] LWords = { 0x5cf5d3ed, 0x5812631a, 0xa2f79cd6, 0x14def9de, 0, 0, 0, 0x10000000 };

        /// <summary>True when the 32 bytes at <paramref name="offset"/> encode an integer below L (a canonical S).</summary>
        public static bool IsCanonical(byte[] s, int offset)
        {
            for (int i = Size - 1; i >= 0; i--)
            {
                if (s[offset + i] < L[i]) return true;
                if (s[offset + i] > L[i]) return false;
            }
            return false; // equal to L
        }

        /// <summary>
        /// The little-endian integer in <paramref name="wide"/> (any length, 64 bytes for a SHA-512 digest)
        /// reduced mod L. Bit by bit from the top: r = 2 r + bit, minus L when r ≥ L. Slow but plain; it runs
        /// once per verification.
        /// </summary>
        public static byte[] Reduce(byte[] wide)
        {
            var r = new uint[8];
            for (int bit = wide.Length * 8 - 1; bit >= 0; bit--)
            {
                uint carry = (uint)((wide[bit >> 3] >> (bit & 7)) & 1);
                for (int i = 0; i < 8; i++)
                {
                    uint next = r[i] >> 31;
                    r[i] = (r[i] << 1) | carry;
                    carry = next;
                }
                // r < L < 2^253 before the shift, so r < 2^254 now and fits; one subtraction brings it below L.
                if (!Below(r, LWords)) SubtractL(r);
            }
            var result = new byte[Size];
            for (int i = 0; i < 8; i++)
            {
                result[4 * i] = (byte)r[i];
                result[4 * i + 1] = (byte)(r[i] >> 8);
                result[4 * i + 2] = (byte)(r[i] >> 16);
                result[4 * i + 3] = (byte)(r[i] >> 24);
            }
            return result;
        }

        private static bool Below(uint[] a, uint[] b)
        {
            for (int i = 7; i >= 0; i--)
            {
                if (a[i] < b[i]) return true;
                if (a[i] > b[i]) return false;
            }
            return false;
        }

        private static void SubtractL(uint[] r)
        {
            long borrow = 0;
            for (int i = 0; i < 8; i++)
            {
                long v = (long)r[i] - LWords[i] - borrow;
                borrow = v < 0 ? 1 : 0;
                r[i] = (uint)v;
            }
        }
    }
}
