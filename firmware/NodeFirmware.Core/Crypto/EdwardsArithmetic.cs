namespace NodeFirmware.Core.Crypto
{
    /// <summary>
    /// Point decoding, encoding, addition and doubling on edwards25519 (RFC 8032, sections 5.1.3 – 5.1.5).
    /// An instance is a workspace: it owns the temporaries, so one instance must not be shared between threads.
    /// </summary>
    public class EdwardsArithmetic
    {
        // Field constants are written out as limbs (Field25519's layout) rather than computed in a static
        // constructor: nanoCLR runs static constructors eagerly in its own order, so computing them would read
        // Field25519's statics before they exist. Crypto/ConstantsTests recomputes each one on .NET.

        /// <summary>d = -121665 / 121666.</summary>
        private static readonly long[] D = { 56195235, 13857412, 51736253, 6949390, 114729, 24766616, 60832955, 30306712, 48412415, 21499315 };

        /// <summary>2 d, used by the addition formula.</summary>
        private static readonly long[] D2 = { 45281625, 27714825, 36363642, 13898781, 229458, 15978800, 54557047, 27058993, 29715967, 9444199 };

        /// <summary>sqrt(-1) = 2^((p-1)/4).</summary>
        private static readonly long[] SqrtMinusOne = { 34513072, 25610706, 9377949, 3500415, 12389472, 33281959, 41962654, 31548777, 326685, 11406482 };

        /// <summary>The base point B: y = 4/5, x even. Its encoding is 0x58 followed by 31 bytes 0x66.</summary>
        private static readonly byte[] BaseEncoding =
        {
            0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
            0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
        };

        private static readonly long[] One = { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

        private readonly long[] _a = Field25519.New();
        private readonly long[] _b = Field25519.New();
        private readonly long[] _c = Field25519.New();
        private readonly long[] _d = Field25519.New();
        private readonly long[] _e = Field25519.New();
        private readonly long[] _f = Field25519.New();
        private readonly long[] _g = Field25519.New();
        private readonly long[] _h = Field25519.New();

        /// <summary>A new copy of the base point B.</summary>
        public EdwardsPoint BasePoint()
        {
            var b = new EdwardsPoint();
            Decode(BaseEncoding, 0, b);
            return b;
        }

        /// <summary>
        /// Decodes a 32-byte point encoding (RFC 8032, section 5.1.3) into <paramref name="into"/>. False for
        /// encodings that are not canonical (y ≥ p, or x = 0 with the sign bit set) or name no point.
        /// </summary>
        public bool Decode(byte[] encoding, int offset, EdwardsPoint into)
        {
            int sign = encoding[offset + 31] >> 7;
            long[] y = into.Y;
            Field25519.Unpack(y, encoding, offset);
            var canonical = new byte[32];
            Field25519.Pack(canonical, 0, y);
            for (int i = 0; i < 31; i++) if (canonical[i] != encoding[offset + i]) return false;
            if (canonical[31] != (encoding[offset + 31] & 0x7f)) return false;

            // x^2 = u / v with u = y^2 - 1, v = d y^2 + 1; candidate x = u v^3 (u v^7)^((p-5)/8).
            long[] u = _a, v = _b, v3 = _c, x = _d, check = _e;
            Field25519.Square(u, y);
            Field25519.Mul(v, u, D);
            Field25519.Sub(u, u, One);
            Field25519.Add(v, v, One);
            Field25519.Square(v3, v);
            Field25519.Mul(v3, v3, v);
            Field25519.Square(x, v3);
            Field25519.Mul(x, x, v);
            Field25519.Mul(x, x, u);
            Field25519.Pow(x, x, Field25519.Exponents.PMinus5Over8);
            Field25519.Mul(x, x, v3);
            Field25519.Mul(x, x, u);

            Field25519.Square(check, x);
            Field25519.Mul(check, check, v);
            if (!Field25519.Equal(check, u))
            {
                Field25519.Negate(u, u);
                if (!Field25519.Equal(check, u)) return false;
                Field25519.Mul(x, x, SqrtMinusOne);
            }
            if (Field25519.IsZero(x) && sign == 1) return false;
            if (Field25519.Parity(x) != sign)
            {
                Field25519.Negate(x, x);
            }
            Field25519.Copy(into.X, x);
            Field25519.SetInt(into.Z, 1);
            Field25519.Mul(into.T, x, y);
            return true;
        }

        /// <summary>The canonical 32-byte encoding: y, with the parity of x in bit 255.</summary>
        public void Encode(EdwardsPoint p, byte[] output, int offset)
        {
            long[] zInverse = _a, x = _b, y = _c;
            Field25519.Invert(zInverse, p.Z);
            Field25519.Mul(x, p.X, zInverse);
            Field25519.Mul(y, p.Y, zInverse);
            Field25519.Pack(output, offset, y);
            output[offset + 31] |= (byte)(Field25519.Parity(x) << 7);
        }

        /// <summary>r = p + q (add-2008-hwcd-3, complete for edwards25519). r may be p or q.</summary>
        public void Add(EdwardsPoint r, EdwardsPoint p, EdwardsPoint q)
        {
            Field25519.Sub(_a, p.Y, p.X);
            Field25519.Sub(_h, q.Y, q.X);
            Field25519.Mul(_a, _a, _h);
            Field25519.Add(_b, p.Y, p.X);
            Field25519.Add(_h, q.Y, q.X);
            Field25519.Mul(_b, _b, _h);
            Field25519.Mul(_c, p.T, q.T);
            Field25519.Mul(_c, _c, D2);
            Field25519.Mul(_d, p.Z, q.Z);
            Field25519.Add(_d, _d, _d);
            Field25519.Sub(_e, _b, _a);
            Field25519.Sub(_f, _d, _c);
            Field25519.Add(_g, _d, _c);
            Field25519.Add(_h, _b, _a);
            Finish(r);
        }

        /// <summary>r = 2 p (dbl-2008-hwcd). r may be p.</summary>
        public void Double(EdwardsPoint r, EdwardsPoint p)
        {
            Field25519.Square(_a, p.X);
            Field25519.Square(_b, p.Y);
            Field25519.Square(_c, p.Z);
            Field25519.Add(_c, _c, _c);
            Field25519.Add(_h, _a, _b);
            Field25519.Add(_e, p.X, p.Y);
            Field25519.Square(_e, _e);
            Field25519.Sub(_e, _h, _e);
            Field25519.Sub(_g, _a, _b);
            Field25519.Add(_f, _c, _g);
            Finish(r);
        }

        /// <summary>X3 = E F, Y3 = G H, T3 = E H, Z3 = F G: the common tail of both formulas.</summary>
        private void Finish(EdwardsPoint r)
        {
            Field25519.Mul(r.X, _e, _f);
            Field25519.Mul(r.Y, _g, _h);
            Field25519.Mul(r.T, _e, _h);
            Field25519.Mul(r.Z, _f, _g);
        }

        /// <summary>
        /// r = [s1] p1 + [s2] p2 with 32-byte little-endian scalars, by one shared double-and-add pass
        /// (Straus–Shamir): 256 doublings instead of 512.
        /// </summary>
        public void DoubleScalarMultiply(EdwardsPoint r, byte[] s1, EdwardsPoint p1, byte[] s2, EdwardsPoint p2)
        {
            var both = new EdwardsPoint();
            Add(both, p1, p2);
            var acc = EdwardsPoint.Identity();
            for (int bit = 255; bit >= 0; bit--)
            {
                Double(acc, acc);
                int b1 = (s1[bit >> 3] >> (bit & 7)) & 1;
                int b2 = (s2[bit >> 3] >> (bit & 7)) & 1;
                if (b1 == 1 && b2 == 1) Add(acc, acc, both);
                else if (b1 == 1) Add(acc, acc, p1);
                else if (b2 == 1) Add(acc, acc, p2);
            }
            r.CopyFrom(acc);
        }
    }
}
