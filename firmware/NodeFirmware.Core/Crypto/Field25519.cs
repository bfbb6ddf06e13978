namespace NodeFirmware.Core.Crypto
{
    /// <summary>
    /// Arithmetic in GF(p), p = 2^255 - 19, on elements held as 10 signed limbs in radix 2^25.5 (long[10]):
    /// limb i weighs 2^ceil(25.5 i), even limbs carry 26 bits, odd limbs 25. Add, Sub and Mul leave their
    /// result carried (every limb within a few bits of its width), which keeps all products inside a long.
    /// <see cref="Pack"/> gives the canonical encoding. Methods write into their first argument, which may be
    /// an input. The multiplication is written out limb by limb: on nanoCLR, an interpreter, loop control and
    /// array indexing per product would cost several times the multiplications themselves.
    /// Nothing here is constant-time: it serves signature verification, which handles only public data.
    /// </summary>
    public static class Field25519
    {
        public const int Limbs = 10;

        private const long Mask26 = (1L << 26) - 1;
        private const long Mask25 = (1L << 25) - 1;

        public static long[] New()
        {
            return new long[Limbs];
        }

        public static long[] FromInt(long value)
        {
            var e = new long[Limbs];
            e[0] = value;
            Carry(e);
            return e;
        }

        public static void Copy(long[] o, long[] a)
        {
            for (int i = 0; i < Limbs; i++) o[i] = a[i];
        }

        public static void SetInt(long[] o, long value)
        {
            for (int i = 1; i < Limbs; i++) o[i] = 0;
            o[0] = value;
            Carry(o);
        }

        public static void Add(long[] o, long[] a, long[] b)
        {
            for (int i = 0; i < Limbs; i++) o[i] = a[i] + b[i];
            Carry(o);
        }

        public static void Sub(long[] o, long[] a, long[] b)
        {
            for (int i = 0; i < Limbs; i++) o[i] = a[i] - b[i];
            Carry(o);
        }

        public static void Negate(long[] o, long[] a)
        {
            for (int i = 0; i < Limbs; i++) o[i] = -a[i];
        }

        /// <summary>
        /// o = a b mod p. Limb k of the product gathers a_i b_j with i + j = k, and 19 a_i b_j with
        /// i + j = k + 10 (2^255 ≡ 19). When i and j are both odd the product lands one bit above limb k's
        /// weight (ceil(25.5 i) + ceil(25.5 j) = 25.5 k + 1), hence the doubled odd limbs of a.
        /// </summary>
        public static void Mul(long[] o, long[] a, long[] b)
        {
            long f0 = a[0], f1 = a[1], f2 = a[2], f3 = a[3], f4 = a[4], f5 = a[5], f6 = a[6], f7 = a[7], f8 = a[8], f9 = a[9];
            long g0 = b[0], g1 = b[1], g2 = b[2], g3 = b[3], g4 = b[4], g5 = b[5], g6 = b[6], g7 = b[7], g8 = b[8], g9 = b[9];
            long f1x2 = 2 * f1, f3x2 = 2 * f3, f5x2 = 2 * f5, f7x2 = 2 * f7, f9x2 = 2 * f9;
            long g1x19 = 19 * g1, g2x19 = 19 * g2, g3x19 = 19 * g3, g4x19 = 19 * g4, g5x19 = 19 * g5;
            long g6x19 = 19 * g6, g7x19 = 19 * g7, g8x19 = 19 * g8, g9x19 = 19 * g9;

            o[0] = f0 * g0 + f1x2 * g9x19 + f2 * g8x19 + f3x2 * g7x19 + f4 * g6x19 + f5x2 * g5x19 + f6 * g4x19 + f7x2 * g3x19 + f8 * g2x19 + f9x2 * g1x19;
            o[1] = f0 * g1 + f1 * g0 + f2 * g9x19 + f3 * g8x19 + f4 * g7x19 + f5 * g6x19 + f6 * g5x19 + f7 * g4x19 + f8 * g3x19 + f9 * g2x19;
            o[2] = f0 * g2 + f1x2 * g1 + f2 * g0 + f3x2 * g9x19 + f4 * g8x19 + f5x2 * g7x19 + f6 * g6x19 + f7x2 * g5x19 + f8 * g4x19 + f9x2 * g3x19;
            o[3] = f0 * g3 + f1 * g2 + f2 * g1 + f3 * g0 + f4 * g9x19 + f5 * g8x19 + f6 * g7x19 + f7 * g6x19 + f8 * g5x19 + f9 * g4x19;
            o[4] = f0 * g4 + f1x2 * g3 + f2 * g2 + f3x2 * g1 + f4 * g0 + f5x2 * g9x19 + f6 * g8x19 + f7x2 * g7x19 + f8 * g6x19 + f9x2 * g5x19;
            o[5] = f0 * g5 + f1 * g4 + f2 * g3 + f3 * g2 + f4 * g1 + f5 * g0 + f6 * g9x19 + f7 * g8x19 + f8 * g7x19 + f9 * g6x19;
            o[6] = f0 * g6 + f1x2 * g5 + f2 * g4 + f3x2 * g3 + f4 * g2 + f5x2 * g1 + f6 * g0 + f7x2 * g9x19 + f8 * g8x19 + f9x2 * g7x19;
            o[7] = f0 * g7 + f1 * g6 + f2 * g5 + f3 * g4 + f4 * g3 + f5 * g2 + f6 * g1 + f7 * g0 + f8 * g9x19 + f9 * g8x19;
            o[8] = f0 * g8 + f1x2 * g7 + f2 * g6 + f3x2 * g5 + f4 * g4 + f5x2 * g3 + f6 * g2 + f7x2 * g1 + f8 * g0 + f9x2 * g9x19;
            o[9] = f0 * g9 + f1 * g8 + f2 * g7 + f3 * g6 + f4 * g5 + f5 * g4 + f6 * g3 + f7 * g2 + f8 * g1 + f9 * g0;
            Carry(o);
            Carry(o);
        }

        public static void Square(long[] o, long[] a)
        {
            Mul(o, a, a);
        }

        /// <summary>
        /// Moves each limb's bits above its width into the next limb (floor division, so negative limbs work
        /// too); the top limb's excess wraps to limb 0 times 19.
        /// </summary>
        public static void Carry(long[] h)
        {
            long c;
            c = h[0] >> 26; h[0] -= c << 26; h[1] += c;
            c = h[1] >> 25; h[1] -= c << 25; h[2] += c;
            c = h[2] >> 26; h[2] -= c << 26; h[3] += c;
            c = h[3] >> 25; h[3] -= c << 25; h[4] += c;
            c = h[4] >> 26; h[4] -= c << 26; h[5] += c;
            c = h[5] >> 25; h[5] -= c << 25; h[6] += c;
            c = h[6] >> 26; h[6] -= c << 26; h[7] += c;
            c = h[7] >> 25; h[7] -= c << 25; h[8] += c;
            c = h[8] >> 26; h[8] -= c << 26; h[9] += c;
            c = h[9] >> 25; h[9] -= c << 25; h[0] += 19 * c;
        }

        /// <summary>o = a^e mod p, e given as 32 little-endian bytes. <paramref name="o"/> may be <paramref name="a"/>.</summary>
        public static void Pow(long[] o, long[] a, byte[] exponent)
        {
            var baseCopy = New();
            Copy(baseCopy, a);
            var r = FromInt(1);
            bool started = false;
            for (int bit = 255; bit >= 0; bit--)
            {
                if (started) Square(r, r);
                if (((exponent[bit >> 3] >> (bit & 7)) & 1) != 0)
                {
                    if (started) Mul(r, r, baseCopy);
                    else Copy(r, baseCopy);
                    started = true;
                }
            }
            Copy(o, r);
        }

        /// <summary>o = 1/a by Fermat: a^(p-2). The inverse of 0 comes out as 0.</summary>
        public static void Invert(long[] o, long[] a)
        {
            Pow(o, a, Exponents.PMinus2);
        }

        /// <summary>The canonical little-endian encoding (value in [0, p)) into output[offset .. offset+32).</summary>
        public static void Pack(byte[] output, int offset, long[] a)
        {
            var t = New();
            Copy(t, a);
            // Carry until every limb is within its width: then 0 ≤ t < 2^255.
            for (int pass = 0; pass < 4 && !InRange(t); pass++) Carry(t);
            // t ≥ p exactly when t + 19 reaches 2^255; then t - p = (t + 19) - 2^255.
            var u = New();
            Copy(u, t);
            u[0] += 19;
            long c = 0;
            for (int i = 0; i < Limbs; i++)
            {
                u[i] += c;
                int bits = (i & 1) == 0 ? 26 : 25;
                c = u[i] >> bits;
                u[i] &= (1L << bits) - 1;
            }
            if (c != 0) t = u;
            // Serialize 255 bits.
            ulong acc = 0;
            int accBits = 0;
            int at = offset;
            for (int i = 0; i < Limbs; i++)
            {
                acc |= (ulong)t[i] << accBits;
                accBits += (i & 1) == 0 ? 26 : 25;
                while (accBits >= 8)
                {
                    output[at++] = (byte)acc;
                    acc >>= 8;
                    accBits -= 8;
                }
            }
            output[at] = (byte)acc; // the last 7 bits; bit 255 stays 0
        }

        /// <summary>Reads 32 little-endian bytes, ignoring bit 255 (the sign bit of a point encoding). The value may be ≥ p.</summary>
        public static void Unpack(long[] o, byte[] input, int offset)
        {
            int bit = 0;
            for (int i = 0; i < Limbs; i++)
            {
                int width = (i & 1) == 0 ? 26 : 25;
                long v = 0;
                for (int k = 0; k < width; k++)
                {
                    int b = bit + k;
                    v |= (long)((input[offset + (b >> 3)] >> (b & 7)) & 1) << k;
                }
                o[i] = v;
                bit += width;
            }
        }

        public static bool Equal(long[] a, long[] b)
        {
            var ea = new byte[32];
            var eb = new byte[32];
            Pack(ea, 0, a);
            Pack(eb, 0, b);
            for (int i = 0; i < 32; i++) if (ea[i] != eb[i]) return false;
            return true;
        }

        public static bool IsZero(long[] a)
        {
            var e = new byte[32];
            Pack(e, 0, a);
            for (int i = 0; i < 32; i++) if (e[i] != 0) return false;
            return true;
        }

        /// <summary>RFC 8032's "negative": the least significant bit of the canonical value.</summary>
        public static int Parity(long[] a)
        {
            var e = new byte[32];
            Pack(e, 0, a);
            return e[0] & 1;
        }

        private static bool InRange(long[] t)
        {
            for (int i = 0; i < Limbs; i++)
            {
                long mask = (i & 1) == 0 ? Mask26 : Mask25;
                if (t[i] < 0 || t[i] > mask) return false;
            }
            return true;
        }

        /// <summary>The exponents Core needs, as 32 little-endian bytes each.</summary>
        public static class Exponents
        {
            /// <summary>p - 2 = 2^255 - 21: inversion.</summary>
            public static readonly byte[] PMinus2 =
            {
                0xeb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
            };

            /// <summary>(p - 5) / 8 = 2^252 - 3: the square-root candidate of RFC 8032, section 5.1.3.</summary>
            public static readonly byte[] PMinus5Over8 =
            {
                0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f,
            };

            /// <summary>(p - 1) / 4 = 2^253 - 5: 2 raised to it is a square root of -1.</summary>
            public static readonly byte[] PMinus1Over4 =
            {
                0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f,
            };
        }
    }
}
