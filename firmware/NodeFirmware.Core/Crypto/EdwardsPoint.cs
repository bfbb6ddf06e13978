namespace NodeFirmware.Core.Crypto
{
    /// <summary>
    /// A point of edwards25519 (-x^2 + y^2 = 1 + d x^2 y^2 over GF(2^255 - 19)) in extended homogeneous
    /// coordinates (X : Y : Z : T) with x = X/Z, y = Y/Z, x y = T/Z (RFC 8032, section 5.1.4).
    /// Arithmetic lives in <see cref="EdwardsArithmetic"/>.
    /// </summary>
    public class EdwardsPoint
    {
        public readonly long[] X = Field25519.New();
        public readonly long[] Y = Field25519.New();
        public readonly long[] Z = Field25519.New();
        public readonly long[] T = Field25519.New();

        /// <summary>The neutral element (0, 1).</summary>
        public static EdwardsPoint Identity()
        {
            var p = new EdwardsPoint();
            p.Y[0] = 1;
            p.Z[0] = 1;
            return p;
        }

        public void CopyFrom(EdwardsPoint other)
        {
            Field25519.Copy(X, other.X);
            Field25519.Copy(Y, other.Y);
            Field25519.Copy(Z, other.Z);
            Field25519.Copy(T, other.T);
        }

        /// <summary>-(x, y) = (-x, y).</summary>
        public EdwardsPoint Negated()
        {
            var n = new EdwardsPoint();
            Field25519.Negate(n.X, X);
            Field25519.Copy(n.Y, Y);
            Field25519.Copy(n.Z, Z);
            Field25519.Negate(n.T, T);
            return n;
        }
    }
}
