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
            long borrow = 0;
            for (int i = 0; i < Limbs; i++)
            {
                long v = (long)a[i] - _m[i] + borrow;
                _d[i] = (uint)v;
                borrow = v >> 32;
            }
            uint keep = (uint)(borrow & 1); // a < m: keep a
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
            long borrow = 0;
            for (int i = 0; i < Limbs; i++)
            {
                long v = (long)_t[i] - _m[i] + borrow;
                _d[i] = (uint)v;
                borrow = v >> 32;
            }
            // Subtract m when the sum overflowed 2^256 or is at least m.
            uint subtract = (uint)carry | (uint)((borrow & 1) ^ 1);
            for (int i = 0; i < Limbs; i++) o[i] = _t[i];
            Select(o, _d, subtract);
        }

        public void Sub(uint[] o, uint[] a, uint[] b)
        {
            long borrow = 0;
            for (int i = 0; i < Limbs; i++)
            {
                long v = (long)a[i] - b[i] + borrow;
                _t[i] = (uint)v;
                borrow = v >> 32;
            }
            uint mask = 0 - (uint)(borrow & 1);
            ulong carry = 0;
            for (int i = 0; i < Limbs; i++)
            {
                carry += (ulong)_t[i] + (_m[i] & mask);
                o[i] = (uint)carry;
                carry >>= 32;
            }
        }

        /// <summary>o = a·b·R^−1 mod m (coarsely integrated operand scanning, one limb of b per round).</summary>
        public void Mul(uint[] o, uint[] a, uint[] b)
        {
            uint[] t = _t;
            uint[] m = _m;
            for (int i = 0; i < Limbs + 2; i++) t[i] = 0;
            for (int i = 0; i < Limbs; i++)
            {
                ulong bi = b[i];
                ulong c = 0;
                for (int j = 0; j < Limbs; j++)
                {
                    c += t[j] + a[j] * bi;
                    t[j] = (uint)c;
                    c >>= 32;
                }
                c += t[Limbs];
                t[Limbs] = (uint)c;
                t[Limbs + 1] = (uint)(c >> 32);

                ulong q = (uint)(t[0] * _m0inv);
                c = (t[0] + q * m[0]) >> 32;
                for (int j = 1; j < Limbs; j++)
                {
                    c += t[j] + q * m[j];
                    t[j - 1] = (uint)c;
                    c >>= 32;
                }
                c += t[Limbs];
                t[Limbs - 1] = (uint)c;
                t[Limbs] = t[Limbs + 1] + (uint)(c >> 32);
            }
            // t < 2m: subtract m once when t[8] is set or t >= m.
            long borrow = 0;
            for (int i = 0; i < Limbs; i++)
            {
                long v = (long)t[i] - m[i] + borrow;
                _d[i] = (uint)v;
                borrow = v >> 32;
            }
            uint subtract = t[Limbs] | (uint)((borrow & 1) ^ 1);
            for (int i = 0; i < Limbs; i++) o[i] = t[i];
            Select(o, _d, subtract);
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
