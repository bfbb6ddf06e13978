using System;

namespace NodeFirmware.Core.Crypto
{
    /// <summary>
    /// ECDSA on P-256 with SHA-256 (FIPS 186-5): key generation from a random source, public keys, signatures with
    /// deterministic nonces (RFC 6979 section 3.2, HMAC-SHA-256), verification. Private keys are 32-byte big-endian
    /// scalars in 1..n−1, public keys the 65-byte uncompressed point, signatures r || s, 32 bytes each, big-endian.
    /// </summary>
    public static class P256Ecdsa
    {
        public const int PrivateKeySize = P256Curve.ScalarSize;
        public const int PublicKeySize = P256Curve.PublicKeySize;
        public const int SignatureSize = 64;

        /// <summary>Draws of 32 bytes before giving up; a draw fails with probability about 2^−32, so reaching it means a broken source.</summary>
        public const int MaxDraws = 16;

        /// <summary>
        /// A private key by rejection sampling: 32 bytes from <paramref name="random"/>, drawn again while they are 0
        /// or not below n. On the device the source is System.Random, which nanoCLR's ESP32 port serves from the
        /// hardware RNG (esp_random(); docs/device-apis.md).
        /// </summary>
        public static byte[] GeneratePrivateKey(Random random)
        {
            if (random == null) throw new ArgumentNullException("random");
            var curve = new P256Curve();
            var candidate = new byte[PrivateKeySize];
            for (int draw = 0; draw < MaxDraws; draw++)
            {
                random.NextBytes(candidate);
                if (curve.IsValidScalar(MontgomeryField.FromBigEndian(candidate, 0))) return candidate;
            }
            Array.Clear(candidate, 0, candidate.Length);
            throw new InvalidOperationException("the random source gave no scalar in 1..n-1 in " + MaxDraws + " draws");
        }

        /// <summary>True when the 32 bytes are a scalar in 1..n−1.</summary>
        public static bool IsValidPrivateKey(byte[] privateKey)
        {
            return privateKey != null && privateKey.Length == PrivateKeySize
                && new P256Curve().IsValidScalar(MontgomeryField.FromBigEndian(privateKey, 0));
        }

        /// <summary>The public key d·G of a private key d.</summary>
        public static byte[] PublicKey(byte[] privateKey)
        {
            var curve = new P256Curve();
            uint[] d = Scalar(curve, privateKey);
            return curve.Encode(curve.Multiply(d, curve.Generator()));
        }

        /// <summary>Signs the SHA-256 of <paramref name="message"/>.</summary>
        public static byte[] SignMessage(byte[] privateKey, byte[] message)
        {
            return Sign(privateKey, Sha256.Hash(message));
        }

        /// <summary>Signs a 32-byte SHA-256 digest; the nonce is RFC 6979's, so the same key and digest give the same signature.</summary>
        public static byte[] Sign(byte[] privateKey, byte[] digest)
        {
            if (digest == null || digest.Length != Sha256.HashSize) throw new ArgumentException("a SHA-256 digest has 32 bytes");
            var curve = new P256Curve();
            MontgomeryField fn = curve.Order;
            uint[] d = Scalar(curve, privateKey);
            uint[] e = MontgomeryField.New();
            fn.ReduceOnce(e, MontgomeryField.FromBigEndian(digest, 0)); // bits2int, then mod n (2^256 < 2n)

            var x = new byte[PrivateKeySize];
            var h = new byte[PrivateKeySize];
            MontgomeryField.ToBigEndian(d, x, 0);
            MontgomeryField.ToBigEndian(e, h, 0);
            var nonces = new Rfc6979(x, h);
            Array.Clear(x, 0, x.Length);

            uint[] r = MontgomeryField.New(), s = MontgomeryField.New(), t = MontgomeryField.New();
            uint[] ax = MontgomeryField.New(), ay = MontgomeryField.New();
            uint[] dm = MontgomeryField.New(), em = MontgomeryField.New(), km = MontgomeryField.New();
            fn.ToMontgomery(dm, d);
            fn.ToMontgomery(em, e);
            while (true)
            {
                uint[] k = nonces.Next(curve);
                curve.ToAffine(curve.Multiply(k, curve.Generator()), ax, ay);
                fn.ReduceOnce(r, ax); // x < p < 2n
                if (MontgomeryField.IsZero(r)) continue;
                // s = k^−1 (e + r d) mod n
                fn.ToMontgomery(t, r);
                fn.Mul(t, t, dm);
                fn.Add(t, t, em);
                fn.ToMontgomery(km, k);
                fn.Inverse(km, km);
                fn.Mul(s, km, t);
                fn.FromMontgomery(s, s);
                if (MontgomeryField.IsZero(s)) continue;
                var signature = new byte[SignatureSize];
                MontgomeryField.ToBigEndian(r, signature, 0);
                MontgomeryField.ToBigEndian(s, signature, 32);
                Array.Clear(d, 0, d.Length);
                Array.Clear(dm, 0, dm.Length);
                return signature;
            }
        }

        /// <summary>True when <paramref name="signature"/> (r || s) is a valid signature of the 32-byte digest under the public key.</summary>
        public static bool Verify(byte[] publicKey, byte[] digest, byte[] signature)
        {
            if (digest == null || digest.Length != Sha256.HashSize || signature == null || signature.Length != SignatureSize) return false;
            var curve = new P256Curve();
            uint[][] q = curve.Decode(publicKey);
            if (q == null) return false;
            uint[] r = MontgomeryField.FromBigEndian(signature, 0);
            uint[] s = MontgomeryField.FromBigEndian(signature, 32);
            if (!curve.IsValidScalar(r) || !curve.IsValidScalar(s)) return false;
            MontgomeryField fn = curve.Order;
            uint[] e = MontgomeryField.New();
            fn.ReduceOnce(e, MontgomeryField.FromBigEndian(digest, 0));

            uint[] w = MontgomeryField.New(), u1 = MontgomeryField.New(), u2 = MontgomeryField.New(), t = MontgomeryField.New();
            fn.ToMontgomery(w, s);
            fn.Inverse(w, w);
            fn.ToMontgomery(t, e);
            fn.Mul(u1, t, w);
            fn.FromMontgomery(u1, u1);
            fn.ToMontgomery(t, r);
            fn.Mul(u2, t, w);
            fn.FromMontgomery(u2, u2);

            uint[][] sum = curve.Multiply(u1, curve.Generator());
            curve.Add(sum, sum, curve.Multiply(u2, q));
            uint[] x = MontgomeryField.New(), y = MontgomeryField.New();
            if (!curve.ToAffine(sum, x, y)) return false;
            uint[] v = MontgomeryField.New();
            fn.ReduceOnce(v, x);
            return MontgomeryField.Equal(v, r);
        }

        private static uint[] Scalar(P256Curve curve, byte[] privateKey)
        {
            if (privateKey == null || privateKey.Length != PrivateKeySize) throw new ArgumentException("a P-256 private key has 32 bytes");
            uint[] d = MontgomeryField.FromBigEndian(privateKey, 0);
            if (!curve.IsValidScalar(d)) throw new ArgumentException("the private key is 0 or not below the curve order");
            return d;
        }
    }
}
