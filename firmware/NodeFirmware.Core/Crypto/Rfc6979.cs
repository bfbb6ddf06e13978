namespace NodeFirmware.Core.Crypto
{
    /// <summary>
    /// Deterministic ECDSA nonces (RFC 6979 section 3.2) for P-256 with HMAC-SHA-256, where qlen = hlen = 256: each
    /// candidate is one HMAC block, taken when it is in 1..n−1. <see cref="Next"/> after a rejected candidate (or a
    /// signature with r or s zero) continues as step h.3 says.
    /// </summary>
    public sealed class Rfc6979
    {
        private byte[] _k = new byte[32];
        private byte[] _v = new byte[32];
        private bool _started;

        /// <param name="privateKey">int2octets(x): the private scalar, 32 bytes big-endian.</param>
        /// <param name="reducedDigest">bits2octets(h1): the digest as an integer mod n, 32 bytes big-endian.</param>
        public Rfc6979(byte[] privateKey, byte[] reducedDigest)
        {
            for (int i = 0; i < 32; i++) _v[i] = 0x01;
            _k = HmacSha256.Compute(_k, Join(_v, 0x00, privateKey, reducedDigest));
            _v = HmacSha256.Compute(_k, _v);
            _k = HmacSha256.Compute(_k, Join(_v, 0x01, privateKey, reducedDigest));
            _v = HmacSha256.Compute(_k, _v);
        }

        /// <summary>The next candidate nonce in 1..n−1, as plain limbs.</summary>
        public uint[] Next(P256Curve curve)
        {
            while (true)
            {
                if (_started)
                {
                    _k = HmacSha256.Compute(_k, Join(_v, 0x00, null, null));
                    _v = HmacSha256.Compute(_k, _v);
                }
                _started = true;
                _v = HmacSha256.Compute(_k, _v);
                uint[] k = MontgomeryField.FromBigEndian(_v, 0);
                if (curve.IsValidScalar(k)) return k;
            }
        }

        private static byte[] Join(byte[] v, byte separator, byte[] x, byte[] h)
        {
            int length = v.Length + 1 + (x == null ? 0 : x.Length) + (h == null ? 0 : h.Length);
            var all = new byte[length];
            System.Array.Copy(v, 0, all, 0, v.Length);
            all[v.Length] = separator;
            int at = v.Length + 1;
            if (x != null) { System.Array.Copy(x, 0, all, at, x.Length); at += x.Length; }
            if (h != null) System.Array.Copy(h, 0, all, at, h.Length);
            return all;
        }
    }
}
