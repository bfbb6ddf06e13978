using NodeFirmware.Core.Crypto;

namespace NodeFirmware.Core.Ota
{
    /// <summary>The release signing key as the device knows it: a 32-byte Ed25519 public key and its id.</summary>
    public static class ReleaseKey
    {
        public const int KeyIdSize = 8;

        /// <summary>The first 8 bytes of SHA-256 of the raw public key.</summary>
        public static byte[] KeyId(byte[] publicKey)
        {
            byte[] digest = Sha256.Hash(publicKey);
            var id = new byte[KeyIdSize];
            for (int i = 0; i < KeyIdSize; i++) id[i] = digest[i];
            return id;
        }

        public static string ToHex(byte[] bytes)
        {
            const string digits = "0123456789abcdef";
            var chars = new char[bytes.Length * 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                chars[2 * i] = digits[bytes[i] >> 4];
                chars[2 * i + 1] = digits[bytes[i] & 15];
            }
            return new string(chars);
        }

        public static bool SameBytes(byte[] a, byte[] b)
        {
            if (a == null || b == null || a.Length != b.Length) return false;
            for (int i = 0; i < a.Length; i++) if (a[i] != b[i]) return false;
            return true;
        }
    }
}
