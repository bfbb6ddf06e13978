namespace NodeFirmware.Core.Crypto
{
    /// <summary>
    /// Arithmetic modulo an odd 256-bit prime m (P-256's field prime p or its group order n), on elements held in
    /// Montgomery form (a·2^256 mod m) as 8 little-endian 32-bit limbs (uint[8]); products go through ulong.
    /// Every result is fully reduced (below m), so equal values have equal limbs. Methods write into their first
    /// argument, which may be an input. Add, Sub and Mul take the same steps whatever the values (the reductions
    /// choose by mask, not by branch); <see cref="Inverse"/> raises to m−2, a public exponent. That is as
    /// constant-time as managed code on an interpreter gets: timing is not the threat at a factory station.
    /// An instance holds scratch space: one per operation, never shared between threads.
    /// </summary>
    public sealed class MontgomeryField
    {
        public const int Limbs = 8;

        private readonly uint[] _m;
        private readonly uint[] _r2;
        private readonly uint _m0inv;
        private readonly uint[] _t = new uint[Limbs + 2];
        private readonly uint[] _d = new uint[Limbs];
        private readonly uint[] _one = new uint[Limbs];
        private readonly uint[] _power = new uint[Limbs];

        /// <param name="modulus">m, little-endian limbs, odd, above 2^255.</param>
        /// <param name="r2">2^512 mod m.</param>
        /// <param name="m0inv">−m^−1 mod 2^32.</param>
        public MontgomeryField(uint[] modulus, uint[] r2, uint m0inv)
        {
            _m = (uint[])modulus.Clone();
            _r2 = (uint[])r2.Clone();
            _m0inv = m0inv;
            _one[0] = 1;
        }

        public uint[] Modulus { get { return _m; } }

        public static uint[] New()
        {
            return new uint[Limbs];
        }

        public static void Copy(uint[] o, uint[] a)
        {
            for (int i = 0; i < Limbs; i++) o[i] = a[i];
        }

        /// <summary>o = a if choose is 1, unchanged if 0, without a branch on choose.</summary>
        public static void Select(uint[] o, uint[] a, uint choose)
        {
            uint mask = 0 - choose;
            for (int i = 0; i < Limbs; i++) o[i] = (a[i] & mask) | (o[i] & ~mask);
        }

        public static bool IsZero(uint[] a)
        {
            uint any = 0;
            for (int i = 0; i < Limbs; i++) any |= a[i];
            return any == 0;
        }

        public static bool Equal(uint[] a, uint[] b)
        {
            uint diff = 0;
            for (int i = 0; i < Limbs; i++) diff |= a[i] ^ b[i];
            return diff == 0;
        }

        /// <summary>True when a &lt; b as plain 256-bit integers.</summary>
        public static bool Less(uint[] a, uint[] b)
        {
            for (int i = Limbs - 1; i >= 0; i--)
            {
                if (a[i] != b[i]) return a[i] < b[i];
            }
            return false;
        }

        /// <summary>The 256-bit big-endian integer at data[offset..offset+32) as limbs.</summary>
        public static uint[] FromBigEndian(byte[] data, int offset)
        {
            var o = new uint[Limbs];
            for (int i = 0; i < Limbs; i++)
            {
                int at = offset + 32 - 4 * (i + 1);
                o[i] = ((uint)data[at] << 24) | ((uint)data[at + 1] << 16) | ((uint)data[at + 2] << 8) | data[at + 3];
            }
            return o;
        }

        public static void ToBigEndian(uint[] a, byte[] output, int offset)
        {
            for (int i = 0; i < Limbs; i++)
            {
                int at = offset + 32 - 4 * (i + 1);
                uint v = a[i];
                output[at] = (byte)(v >> 24);
                output[at + 1] = (byte)(v >> 16);
                output[at + 2] = (byte)(v >> 8);
                output[at + 3] = (byte)v;
            }
        }

        /// <summary>o = a mod m for a plain integer a &lt; 2m (one conditional subtraction).</summary>
        public void ReduceOnce(uint[] o, uint[] a)
        {
            ulong borrow = 0;
            for (int i = 0; i < Limbs; i++)
            {
                ulong v = (ulong)a[i] - _m[i] - borrow;
                _d[i] = (uint)v;
                borrow = (v >> 32) & 1;
            }
            uint keep = (uint)borrow; // a < m: keep a
            Copy(o, a);
            Select(o, _d, keep ^ 1);
        }

        /// <summary>o = a·R mod m: a plain integer below m into Montgomery form.</summary>
        public void ToMontgomery(uint[] o, uint[] a)
        {
            Mul(o, a, _r2);
        }

        /// <summary>o = a·R^−1 mod m: out of Montgomery form, a plain integer below m.</summary>
        public void FromMontgomery(uint[] o, uint[] a)
        {
            Mul(o, a, _one);
        }

        /// <summary>o = 1 in Montgomery form (R mod m).</summary>
        public void SetOne(uint[] o)
        {
            Mul(o, _one, _r2);
        }

        public void Add(uint[] o, uint[] a, uint[] b)
        {
            ulong carry = 0;
            for (int i = 0; i < Limbs; i++)
            {
                carry += (ulong)a[i] + b[i];
                _t[i] = (uint)carry;
                carry >>= 32;
            }
            ulong borrow = 0;
            for (int i = 0; i < Limbs; i++)
            {
                ulong v = (ulong)_t[i] - _m[i] - borrow;
                _d[i] = (uint)v;
                borrow = (v >> 32) & 1;
            }
            // Subtract m when the sum overflowed 2^256 or is at least m.
            uint subtract = (uint)carry | ((uint)borrow ^ 1);
            for (int i = 0; i < Limbs; i++) o[i] = _t[i];
            Select(o, _d, subtract);
        }

        public void Sub(uint[] o, uint[] a, uint[] b)
        {
            ulong borrow = 0;
            for (int i = 0; i < Limbs; i++)
            {
                ulong v = (ulong)a[i] - b[i] - borrow;
                _t[i] = (uint)v;
                borrow = (v >> 32) & 1;
            }
            uint mask = 0 - (uint)borrow;
            ulong carry = 0;
            for (int i = 0; i < Limbs; i++)
            {
                carry += (ulong)_t[i] + (_m[i] & mask);
                o[i] = (uint)carry;
                carry >>= 32;
            }
        }

        /// <summary>
        /// o = a·b·R^−1 mod m (coarsely integrated operand scanning, one limb of b per round). Written out limb by limb,
        /// as Field25519's multiplication is: on nanoCLR, loop control and array indexing would cost more than the products.
        /// </summary>
        public void Mul(uint[] o, uint[] a, uint[] b)
        {
            ulong a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4], a5 = a[5], a6 = a[6], a7 = a[7];
            uint[] m = _m;
            ulong m0 = m[0], m1 = m[1], m2 = m[2], m3 = m[3], m4 = m[4], m5 = m[5], m6 = m[6], m7 = m[7];
            uint m0inv = _m0inv;
            ulong t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0, t6 = 0, t7 = 0, t8 = 0, t9, c, q, bi;
            bi = b[0];
            c = t0 + a0 * bi; t0 = (uint)c; c >>= 32;
            c += t1 + a1 * bi; t1 = (uint)c; c >>= 32;
            c += t2 + a2 * bi; t2 = (uint)c; c >>= 32;
            c += t3 + a3 * bi; t3 = (uint)c; c >>= 32;
            c += t4 + a4 * bi; t4 = (uint)c; c >>= 32;
            c += t5 + a5 * bi; t5 = (uint)c; c >>= 32;
            c += t6 + a6 * bi; t6 = (uint)c; c >>= 32;
            c += t7 + a7 * bi; t7 = (uint)c; c >>= 32;
            c += t8; t8 = (uint)c; t9 = c >> 32;
            q = (uint)((uint)t0 * m0inv);
            c = (t0 + q * m0) >> 32;
            c += t1 + q * m1; t0 = (uint)c; c >>= 32;
            c += t2 + q * m2; t1 = (uint)c; c >>= 32;
            c += t3 + q * m3; t2 = (uint)c; c >>= 32;
            c += t4 + q * m4; t3 = (uint)c; c >>= 32;
            c += t5 + q * m5; t4 = (uint)c; c >>= 32;
            c += t6 + q * m6; t5 = (uint)c; c >>= 32;
            c += t7 + q * m7; t6 = (uint)c; c >>= 32;
            c += t8; t7 = (uint)c; t8 = t9 + (c >> 32);
            bi = b[1];
            c = t0 + a0 * bi; t0 = (uint)c; c >>= 32;
            c += t1 + a1 * bi; t1 = (uint)c; c >>= 32;
            c += t2 + a2 * bi; t2 = (uint)c; c >>= 32;
            c += t3 + a3 * bi; t3 = (uint)c; c >>= 32;
            c += t4 + a4 * bi; t4 = (uint)c; c >>= 32;
            c += t5 + a5 * bi; t5 = (uint)c; c >>= 32;
            c += t6 + a6 * bi; t6 = (uint)c; c >>= 32;
            c += t7 + a7 * bi; t7 = (uint)c; c >>= 32;
            c += t8; t8 = (uint)c; t9 = c >> 32;
            q = (uint)((uint)t0 * m0inv);
            c = (t0 + q * m0) >> 32;
            c += t1 + q * m1; t0 = (uint)c; c >>= 32;
            c += t2 + q * m2; t1 = (uint)c; c >>= 32;
            c += t3 + q * m3; t2 = (uint)c; c >>= 32;
            c += t4 + q * m4; t3 = (uint)c; c >>= 32;
            c += t5 + q * m5; t4 = (uint)c; c >>= 32;
            c += t6 + q * m6; t5 = (uint)c; c >>= 32;
            c += t7 + q * m7; t6 = (uint)c; c >>= 32;
            c += t8; t7 = (uint)c; t8 = t9 + (c >> 32);
            bi = b[2];
            c = t0 + a0 * bi; t0 = (uint)c; c >>= 32;
            c += t1 + a1 * bi; t1 = (uint)c; c >>= 32;
            c += t2 + a2 * bi; t2 = (uint)c; c >>= 32;
            c += t3 + a3 * bi; t3 = (uint)c; c >>= 32;
            c += t4 + a4 * bi; t4 = (uint)c; c >>= 32;
            c += t5 + a5 * bi; t5 = (uint)c; c >>= 32;
            c += t6 + a6 * bi; t6 = (uint)c; c >>= 32;
            c += t7 + a7 * bi; t7 = (uint)c; c >>= 32;
            c += t8; t8 = (uint)c; t9 = c >> 32;
            q = (uint)((uint)t0 * m0inv);
            c = (t0 + q * m0) >> 32;
            c += t1 + q * m1; t0 = (uint)c; c >>= 32;
            c += t2 + q * m2; t1 = (uint)c; c >>= 32;
            c += t3 + q * m3; t2 = (uint)c; c >>= 32;
            c += t4 + q * m4; t3 = (uint)c; c >>= 32;
            c += t5 + q * m5; t4 = (uint)c; c >>= 32;
            c += t6 + q * m6; t5 = (uint)c; c >>= 32;
            c += t7 + q * m7; t6 = (uint)c; c >>= 32;
            c += t8; t7 = (uint)c; t8 = t9 + (c >> 32);
            bi = b[3];
            c = t0 + a0 * bi; t0 = (uint)c; c >>= 32;
            c += t1 + a1 * bi; t1 = (uint)c; c >>= 32;
            c += t2 + a2 * bi; t2 = (uint)c; c >>= 32;
            c += t3 + a3 * bi; t3 = (uint)c; c >>= 32;
            c += t4 + a4 * bi; t4 = (uint)c; c >>= 32;
            c += t5 + a5 * bi; t5 = (uint)c; c >>= 32;
            c += t6 + a6 * bi; t6 = (uint)c; c >>= 32;
            c += t7 + a7 * bi; t7 = (uint)c; c >>= 32;
            c += t8; t8 = (uint)c; t9 = c >> 32;
            q = (uint)((uint)t0 * m0inv);
            c = (t0 + q * m0) >> 32;
            c += t1 + q * m1; t0 = (uint)c; c >>= 32;
            c += t2 + q * m2; t1 = (uint)c; c >>= 32;
            c += t3 + q * m3; t2 = (uint)c; c >>= 32;
            c += t4 + q * m4; t3 = (uint)c; c >>= 32;
            c += t5 + q * m5; t4 = (uint)c; c >>= 32;
            c += t6 + q * m6; t5 = (uint)c; c >>= 32;
            c += t7 + q * m7; t6 = (uint)c; c >>= 32;
            c += t8; t7 = (uint)c; t8 = t9 + (c >> 32);
            bi = b[4];
            c = t0 + a0 * bi; t0 = (uint)c; c >>= 32;
            c += t1 + a1 * bi; t1 = (uint)c; c >>= 32;
            c += t2 + a2 * bi; t2 = (uint)c; c >>= 32;
            c += t3 + a3 * bi; t3 = (uint)c; c >>= 32;
            c += t4 + a4 * bi; t4 = (uint)c; c >>= 32;
            c += t5 + a5 * bi; t5 = (uint)c; c >>= 32;
            c += t6 + a6 * bi; t6 = (uint)c; c >>= 32;
            c += t7 + a7 * bi; t7 = (uint)c; c >>= 32;
            c += t8; t8 = (uint)c; t9 = c >> 32;
            q = (uint)((uint)t0 * m0inv);
            c = (t0 + q * m0) >> 32;
            c += t1 + q * m1; t0 = (uint)c; c >>= 32;
            c += t2 + q * m2; t1 = (uint)c; c >>= 32;
            c += t3 + q * m3; t2 = (uint)c; c >>= 32;
            c += t4 + q * m4; t3 = (uint)c; c >>= 32;
            c += t5 + q * m5; t4 = (uint)c; c >>= 32;
            c += t6 + q * m6; t5 = (uint)c; c >>= 32;
            c += t7 + q * m7; t6 = (uint)c; c >>= 32;
            c += t8; t7 = (uint)c; t8 = t9 + (c >> 32);
            bi = b[5];
            c = t0 + a0 * bi; t0 = (uint)c; c >>= 32;
            c += t1 + a1 * bi; t1 = (uint)c; c >>= 32;
            c += t2 + a2 * bi; t2 = (uint)c; c >>= 32;
            c += t3 + a3 * bi; t3 = (uint)c; c >>= 32;
            c += t4 + a4 * bi; t4 = (uint)c; c >>= 32;
            c += t5 + a5 * bi; t5 = (uint)c; c >>= 32;
            c += t6 + a6 * bi; t6 = (uint)c; c >>= 32;
            c += t7 + a7 * bi; t7 = (uint)c; c >>= 32;
            c += t8; t8 = (uint)c; t9 = c >> 32;
            q = (uint)((uint)t0 * m0inv);
            c = (t0 + q * m0) >> 32;
            c += t1 + q * m1; t0 = (uint)c; c >>= 32;
            c += t2 + q * m2; t1 = (uint)c; c >>= 32;
            c += t3 + q * m3; t2 = (uint)c; c >>= 32;
            c += t4 + q * m4; t3 = (uint)c; c >>= 32;
            c += t5 + q * m5; t4 = (uint)c; c >>= 32;
            c += t6 + q * m6; t5 = (uint)c; c >>= 32;
            c += t7 + q * m7; t6 = (uint)c; c >>= 32;
            c += t8; t7 = (uint)c; t8 = t9 + (c >> 32);
            bi = b[6];
            c = t0 + a0 * bi; t0 = (uint)c; c >>= 32;
            c += t1 + a1 * bi; t1 = (uint)c; c >>= 32;
            c += t2 + a2 * bi; t2 = (uint)c; c >>= 32;
            c += t3 + a3 * bi; t3 = (uint)c; c >>= 32;
            c += t4 + a4 * bi; t4 = (uint)c; c >>= 32;
            c += t5 + a5 * bi; t5 = (uint)c; c >>= 32;
            c += t6 + a6 * bi; t6 = (uint)c; c >>= 32;
            c += t7 + a7 * bi; t7 = (uint)c; c >>= 32;
            c += t8; t8 = (uint)c; t9 = c >> 32;
            q = (uint)((uint)t0 * m0inv);
            c = (t0 + q * m0) >> 32;
            c += t1 + q * m1; t0 = (uint)c; c >>= 32;
            c += t2 + q * m2; t1 = (uint)c; c >>= 32;
            c += t3 + q * m3; t2 = (uint)c; c >>= 32;
            c += t4 + q * m4; t3 = (uint)c; c >>= 32;
            c += t5 + q * m5; t4 = (uint)c; c >>= 32;
            c += t6 + q * m6; t5 = (uint)c; c >>= 32;
            c += t7 + q * m7; t6 = (uint)c; c >>= 32;
            c += t8; t7 = (uint)c; t8 = t9 + (c >> 32);
            bi = b[7];
            c = t0 + a0 * bi; t0 = (uint)c; c >>= 32;
            c += t1 + a1 * bi; t1 = (uint)c; c >>= 32;
            c += t2 + a2 * bi; t2 = (uint)c; c >>= 32;
            c += t3 + a3 * bi; t3 = (uint)c; c >>= 32;
            c += t4 + a4 * bi; t4 = (uint)c; c >>= 32;
            c += t5 + a5 * bi; t5 = (uint)c; c >>= 32;
            c += t6 + a6 * bi; t6 = (uint)c; c >>= 32;
            c += t7 + a7 * bi; t7 = (uint)c; c >>= 32;
            c += t8; t8 = (uint)c; t9 = c >> 32;
            q = (uint)((uint)t0 * m0inv);
            c = (t0 + q * m0) >> 32;
            c += t1 + q * m1; t0 = (uint)c; c >>= 32;
            c += t2 + q * m2; t1 = (uint)c; c >>= 32;
            c += t3 + q * m3; t2 = (uint)c; c >>= 32;
            c += t4 + q * m4; t3 = (uint)c; c >>= 32;
            c += t5 + q * m5; t4 = (uint)c; c >>= 32;
            c += t6 + q * m6; t5 = (uint)c; c >>= 32;
            c += t7 + q * m7; t6 = (uint)c; c >>= 32;
            c += t8; t7 = (uint)c; t8 = t9 + (c >> 32);
            // t < 2m: subtract m once when t8 is set or t >= m, chosen by mask.
            ulong v, borrow;
            v = t0 - m0; uint d0 = (uint)v; borrow = (v >> 32) & 1;
            v = t1 - m1 - borrow; uint d1 = (uint)v; borrow = (v >> 32) & 1;
            v = t2 - m2 - borrow; uint d2 = (uint)v; borrow = (v >> 32) & 1;
            v = t3 - m3 - borrow; uint d3 = (uint)v; borrow = (v >> 32) & 1;
            v = t4 - m4 - borrow; uint d4 = (uint)v; borrow = (v >> 32) & 1;
            v = t5 - m5 - borrow; uint d5 = (uint)v; borrow = (v >> 32) & 1;
            v = t6 - m6 - borrow; uint d6 = (uint)v; borrow = (v >> 32) & 1;
            v = t7 - m7 - borrow; uint d7 = (uint)v; borrow = (v >> 32) & 1;
            uint mask = 0 - ((uint)t8 | ((uint)borrow ^ 1));
            o[0] = (d0 & mask) | ((uint)t0 & ~mask);
            o[1] = (d1 & mask) | ((uint)t1 & ~mask);
            o[2] = (d2 & mask) | ((uint)t2 & ~mask);
            o[3] = (d3 & mask) | ((uint)t3 & ~mask);
            o[4] = (d4 & mask) | ((uint)t4 & ~mask);
            o[5] = (d5 & mask) | ((uint)t5 & ~mask);
            o[6] = (d6 & mask) | ((uint)t6 & ~mask);
            o[7] = (d7 & mask) | ((uint)t7 & ~mask);
        }

        /// <summary>o = a^−1 (Montgomery form in and out) as a^(m−2); o = 0 for a = 0.</summary>
        public void Inverse(uint[] o, uint[] a)
        {
            // m−2: m is odd and its low limb is at least 2 for both P-256 moduli, so no borrow crosses limbs.
            var e = (uint[])_m.Clone();
            e[0] -= 2;
            uint[] r = _power;
            SetOne(r);
            var x = (uint[])a.Clone();
            for (int i = Limbs * 32 - 1; i >= 0; i--)
            {
                Mul(r, r, r);
                if (((e[i >> 5] >> (i & 31)) & 1) != 0) Mul(r, r, x);
            }
            Copy(o, r);
        }
    }
}
