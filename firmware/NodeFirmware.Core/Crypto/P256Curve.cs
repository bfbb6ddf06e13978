namespace NodeFirmware.Core.Crypto
{
    /// <summary>
    /// The curve P-256 (FIPS 186-5, SEC 2 secp256r1): y² = x³ − 3x + b over GF(p). Points are held in homogeneous
    /// projective coordinates (X:Y:Z), x = X/Z, y = Y/Z, the identity (0:1:0), field elements in Montgomery form.
    /// <see cref="Add"/> is the complete addition of Renes, Costello and Batina (2016, algorithm 4 for a = −3): one
    /// formula for every pair of points, doubling and the identity included, so no input takes a special path;
    /// <see cref="Double"/> is their algorithm 6, complete as well, three multiplications cheaper.
    /// An instance holds its fields and scratch space: one per operation, never shared between threads.
    /// </summary>
    public sealed class P256Curve
    {
        public const int ScalarSize = 32;
        public const int PublicKeySize = 65;

        // Little-endian 32-bit limbs. The Montgomery constants (2^512 mod m, −m^−1 mod 2^32) are derived values, written
        // out because a static initializer may not compute (docs/firmware-core-rules.md); P256ConstantsTests recomputes them.
        private static readonly uint[] P = { 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0x00000000, 0x00000000, 0x00000000, 0x00000001, 0xFFFFFFFF };
        private static readonly uint[] N = { 0xFC632551, 0xF3B9CAC2, 0xA7179E84, 0xBCE6FAAD, 0xFFFFFFFF, 0xFFFFFFFF, 0x00000000, 0xFFFFFFFF };
        private static readonly uint[] B = { 0x27D2604B, 0x3BCE3C3E, 0xCC53B0F6, 0x651D06B0, 0x769886BC, 0xB3EBBD55, 0xAA3A93E7, 0x5AC635D8 };
        private static readonly uint[] Gx = { 0xD898C296, 0xF4A13945, 0x2DEB33A0, 0x77037D81, 0x63A440F2, 0xF8BCE6E5, 0xE12C4247, 0x6B17D1F2 };
        private static readonly uint[] Gy = { 0x37BF51F5, 0xCBB64068, 0x6B315ECE, 0x2BCE3357, 0x7C0F9E16, 0x8EE7EB4A, 0xFE1A7F9B, 0x4FE342E2 };
        private static readonly uint[] R2ModP = { 0x00000003, 0x00000000, 0xFFFFFFFF, 0xFFFFFFFB, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0x00000004 };
        private static readonly uint[] R2ModN = { 0xBE79EEA2, 0x83244C95, 0x49BD6FA6, 0x4699799C, 0x2B6BEC59, 0x2845B239, 0xF3D95620, 0x66E12D94 };
        private const uint P0Inverse = 0x00000001;
        private const uint N0Inverse = 0xEE00BC4F;

        private readonly MontgomeryField _fp;
        private readonly MontgomeryField _fn;
        private readonly uint[] _b = MontgomeryField.New();
        private readonly uint[] _t0 = MontgomeryField.New();
        private readonly uint[] _t1 = MontgomeryField.New();
        private readonly uint[] _t2 = MontgomeryField.New();
        private readonly uint[] _t3 = MontgomeryField.New();
        private readonly uint[] _t4 = MontgomeryField.New();
        private readonly uint[] _x3 = MontgomeryField.New();
        private readonly uint[] _y3 = MontgomeryField.New();
        private readonly uint[] _z3 = MontgomeryField.New();

        public P256Curve()
        {
            _fp = new MontgomeryField(P, R2ModP, P0Inverse);
            _fn = new MontgomeryField(N, R2ModN, N0Inverse);
            _fp.ToMontgomery(_b, B);
        }

        /// <summary>Arithmetic modulo the field prime p.</summary>
        public MontgomeryField Field { get { return _fp; } }

        /// <summary>Arithmetic modulo the group order n.</summary>
        public MontgomeryField Order { get { return _fn; } }

        /// <summary>The group order n as plain limbs.</summary>
        public uint[] OrderValue { get { return _fn.Modulus; } }

        /// <summary>A new point, the identity.</summary>
        public uint[][] NewPoint()
        {
            var point = new uint[3][];
            point[0] = MontgomeryField.New();
            point[1] = MontgomeryField.New();
            point[2] = MontgomeryField.New();
            _fp.SetOne(point[1]);
            return point;
        }

        /// <summary>The base point G.</summary>
        public uint[][] Generator()
        {
            uint[][] g = NewPoint();
            _fp.ToMontgomery(g[0], Gx);
            _fp.ToMontgomery(g[1], Gy);
            _fp.SetOne(g[2]);
            return g;
        }

        public static bool IsIdentity(uint[][] point)
        {
            return MontgomeryField.IsZero(point[2]);
        }

        /// <summary>o = p + q; o may be p or q.</summary>
        public void Add(uint[][] o, uint[][] p, uint[][] q)
        {
            MontgomeryField f = _fp;
            uint[] x1 = p[0], y1 = p[1], z1 = p[2], x2 = q[0], y2 = q[1], z2 = q[2];
            uint[] t0 = _t0, t1 = _t1, t2 = _t2, t3 = _t3, t4 = _t4, x3 = _x3, y3 = _y3, z3 = _z3;
            f.Mul(t0, x1, x2);
            f.Mul(t1, y1, y2);
            f.Mul(t2, z1, z2);
            f.Add(t3, x1, y1);
            f.Add(t4, x2, y2);
            f.Mul(t3, t3, t4);
            f.Add(t4, t0, t1);
            f.Sub(t3, t3, t4);
            f.Add(t4, y1, z1);
            f.Add(x3, y2, z2);
            f.Mul(t4, t4, x3);
            f.Add(x3, t1, t2);
            f.Sub(t4, t4, x3);
            f.Add(x3, x1, z1);
            f.Add(y3, x2, z2);
            f.Mul(x3, x3, y3);
            f.Add(y3, t0, t2);
            f.Sub(y3, x3, y3);
            f.Mul(z3, _b, t2);
            f.Sub(x3, y3, z3);
            f.Add(z3, x3, x3);
            f.Add(x3, x3, z3);
            f.Sub(z3, t1, x3);
            f.Add(x3, t1, x3);
            f.Mul(y3, _b, y3);
            f.Add(t1, t2, t2);
            f.Add(t2, t1, t2);
            f.Sub(y3, y3, t2);
            f.Sub(y3, y3, t0);
            f.Add(t1, y3, y3);
            f.Add(y3, t1, y3);
            f.Add(t1, t0, t0);
            f.Add(t0, t1, t0);
            f.Sub(t0, t0, t2);
            f.Mul(t1, t4, y3);
            f.Mul(t2, t0, y3);
            f.Mul(y3, x3, z3);
            f.Add(y3, y3, t2);
            f.Mul(x3, t3, x3);
            f.Sub(x3, x3, t1);
            f.Mul(z3, t4, z3);
            f.Mul(t1, t3, t0);
            f.Add(z3, z3, t1);
            MontgomeryField.Copy(o[0], x3);
            MontgomeryField.Copy(o[1], y3);
            MontgomeryField.Copy(o[2], z3);
        }

        /// <summary>o = 2p; o may be p.</summary>
        public void Double(uint[][] o, uint[][] p)
        {
            MontgomeryField f = _fp;
            uint[] x = p[0], y = p[1], z = p[2];
            uint[] t0 = _t0, t1 = _t1, t2 = _t2, t3 = _t3, x3 = _x3, y3 = _y3, z3 = _z3;
            f.Mul(t0, x, x);
            f.Mul(t1, y, y);
            f.Mul(t2, z, z);
            f.Mul(t3, x, y);
            f.Add(t3, t3, t3);
            f.Mul(z3, x, z);
            f.Add(z3, z3, z3);
            f.Mul(y3, _b, t2);
            f.Sub(y3, y3, z3);
            f.Add(x3, y3, y3);
            f.Add(y3, x3, y3);
            f.Sub(x3, t1, y3);
            f.Add(y3, t1, y3);
            f.Mul(y3, x3, y3);
            f.Mul(x3, x3, t3);
            f.Add(t3, t2, t2);
            f.Add(t2, t2, t3);
            f.Mul(z3, _b, z3);
            f.Sub(z3, z3, t2);
            f.Sub(z3, z3, t0);
            f.Add(t3, z3, z3);
            f.Add(z3, z3, t3);
            f.Add(t3, t0, t0);
            f.Add(t0, t3, t0);
            f.Sub(t0, t0, t2);
            f.Mul(t0, t0, z3);
            f.Add(y3, y3, t0);
            f.Mul(t0, y, z);
            f.Add(t0, t0, t0);
            f.Mul(z3, t0, z3);
            f.Sub(x3, x3, z3);
            f.Mul(z3, t0, t1);
            f.Add(z3, z3, z3);
            f.Add(z3, z3, z3);
            MontgomeryField.Copy(o[0], x3);
            MontgomeryField.Copy(o[1], y3);
            MontgomeryField.Copy(o[2], z3);
        }

        private const int WindowBits = 4;
        private const int TableSize = 1 << WindowBits;

        /// <summary>
        /// k·P for a 256-bit scalar (plain limbs), with a fixed window of 4 bits: a table of 0·P..15·P, then per window
        /// four doublings and one addition of the table entry, which is read by scanning all sixteen entries and keeping
        /// one by mask. The sequence of operations and of memory reads does not depend on k.
        /// </summary>
        public uint[][] Multiply(uint[] k, uint[][] point)
        {
            var table = new uint[TableSize][][];
            table[0] = NewPoint();
            table[1] = NewPoint();
            MontgomeryField.Copy(table[1][0], point[0]);
            MontgomeryField.Copy(table[1][1], point[1]);
            MontgomeryField.Copy(table[1][2], point[2]);
            for (int i = 2; i < TableSize; i++)
            {
                table[i] = NewPoint();
                if ((i & 1) == 0) Double(table[i], table[i >> 1]);
                else Add(table[i], table[i - 1], point);
            }
            uint[][] r = NewPoint();
            uint[][] entry = NewPoint();
            for (int window = 256 / WindowBits - 1; window >= 0; window--)
            {
                for (int d = 0; d < WindowBits; d++) Double(r, r);
                int bit = window * WindowBits;
                uint digit = (k[bit >> 5] >> (bit & 31)) & (TableSize - 1);
                for (int i = 0; i < TableSize; i++)
                {
                    uint diff = (uint)i ^ digit;
                    uint same = ((diff | (0 - diff)) >> 31) ^ 1; // 1 when i == digit, without a branch
                    MontgomeryField.Select(entry[0], table[i][0], same);
                    MontgomeryField.Select(entry[1], table[i][1], same);
                    MontgomeryField.Select(entry[2], table[i][2], same);
                }
                Add(r, r, entry);
            }
            return r;
        }

        /// <summary>The affine x and y of a point (plain limbs); false for the identity.</summary>
        public bool ToAffine(uint[][] point, uint[] x, uint[] y)
        {
            if (IsIdentity(point)) return false;
            uint[] zInverse = MontgomeryField.New();
            _fp.Inverse(zInverse, point[2]);
            _fp.Mul(x, point[0], zInverse);
            _fp.Mul(y, point[1], zInverse);
            _fp.FromMontgomery(x, x);
            _fp.FromMontgomery(y, y);
            return true;
        }

        /// <summary>SEC 1 uncompressed encoding 04 || x || y of a point that is not the identity.</summary>
        public byte[] Encode(uint[][] point)
        {
            uint[] x = MontgomeryField.New(), y = MontgomeryField.New();
            if (!ToAffine(point, x, y)) throw new System.ArgumentException("the identity has no encoding");
            var encoded = new byte[PublicKeySize];
            encoded[0] = 0x04;
            MontgomeryField.ToBigEndian(x, encoded, 1);
            MontgomeryField.ToBigEndian(y, encoded, 33);
            return encoded;
        }

        /// <summary>The point of an uncompressed encoding, or null when it is not one, or not on the curve.</summary>
        public uint[][] Decode(byte[] encoded)
        {
            if (encoded == null || encoded.Length != PublicKeySize || encoded[0] != 0x04) return null;
            uint[] x = MontgomeryField.FromBigEndian(encoded, 1);
            uint[] y = MontgomeryField.FromBigEndian(encoded, 33);
            if (!MontgomeryField.Less(x, P) || !MontgomeryField.Less(y, P)) return null;
            uint[][] point = NewPoint();
            _fp.ToMontgomery(point[0], x);
            _fp.ToMontgomery(point[1], y);
            _fp.SetOne(point[2]);
            // y² = x³ − 3x + b
            uint[] left = MontgomeryField.New(), right = MontgomeryField.New(), t = MontgomeryField.New();
            _fp.Mul(left, point[1], point[1]);
            _fp.Mul(right, point[0], point[0]);
            _fp.Mul(right, right, point[0]);
            _fp.Add(t, point[0], point[0]);
            _fp.Add(t, t, point[0]);
            _fp.Sub(right, right, t);
            _fp.Add(right, right, _b);
            return MontgomeryField.Equal(left, right) ? point : null;
        }

        /// <summary>True when k (plain limbs) is in 1..n−1.</summary>
        public bool IsValidScalar(uint[] k)
        {
            return !MontgomeryField.IsZero(k) && MontgomeryField.Less(k, N);
        }
    }
}
