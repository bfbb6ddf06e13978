using System;

namespace NodeFirmware.Core.Crypto
{
    /// <summary>
    /// Ed25519 signature verification (RFC 8032, section 5.1.7). Verification only: the device never signs.
    /// Strict: a public key or R that is not a canonical point encoding, or S ≥ L, fails; the check is
    /// the cofactorless [S]B = R + [k]A, done as encode([S]B + [k](-A)) == R byte for byte, which also
    /// rejects any non-canonical R (every encoding this class produces is canonical).
    /// </summary>
    public static class Ed25519
    {
        public const int PublicKeySize = 32;
        public const int SignatureSize = 64;

        public static bool Verify(byte[] publicKey, byte[] message, byte[] signature)
        {
            if (message == null) throw new ArgumentNullException("message");
            return Verify(publicKey, message, 0, message.Length, signature);
        }

        public static bool Verify(byte[] publicKey, byte[] message, int offset, int count, byte[] signature)
        {
            if (publicKey == null) throw new ArgumentNullException("publicKey");
            if (message == null) throw new ArgumentNullException("message");
            if (signature == null) throw new ArgumentNullException("signature");
            if (offset < 0 || count < 0 || offset + count > message.Length) throw new ArgumentOutOfRangeException("count");
            if (publicKey.Length != PublicKeySize || signature.Length != SignatureSize) return false;
            if (!Scalar25519.IsCanonical(signature, 32)) return false;

            var curve = new EdwardsArithmetic();
            var a = new EdwardsPoint();
            if (!curve.Decode(publicKey, 0, a)) return false;

            var sha = new Sha512();
            sha.Update(signature, 0, 32);
            sha.Update(publicKey, 0, PublicKeySize);
            sha.Update(message, offset, count);
            byte[] k = Scalar25519.Reduce(sha.Final());

            var s = new byte[Scalar25519.Size];
            Array.Copy(signature, 32, s, 0, Scalar25519.Size);

            var check = new EdwardsPoint();
            curve.DoubleScalarMultiply(check, s, curve.BasePoint(), k, a.Negated());
            var encoded = new byte[32];
            curve.Encode(check, encoded, 0);
            for (int i = 0; i < 32; i++) if (encoded[i] != signature[i]) return false;
            return true;
        }
    }
}
