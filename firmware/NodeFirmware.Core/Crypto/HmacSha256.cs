namespace NodeFirmware.Core.Crypto
{
    /// <summary>HMAC-SHA-256 (RFC 2104, FIPS 198-1) over <see cref="Sha256"/>.</summary>
    public static class HmacSha256
    {
        public const int MacSize = Sha256.HashSize;

        public static byte[] Compute(byte[] key, byte[] message)
        {
            if (key == null) throw new System.ArgumentNullException("key");
            if (message == null) throw new System.ArgumentNullException("message");
            byte[] k = key.Length > Sha256.BlockSize ? Sha256.Hash(key) : key;
            var inner = new byte[Sha256.BlockSize];
            var outer = new byte[Sha256.BlockSize];
            for (int i = 0; i < Sha256.BlockSize; i++)
            {
                byte b = i < k.Length ? k[i] : (byte)0;
                inner[i] = (byte)(b ^ 0x36);
                outer[i] = (byte)(b ^ 0x5c);
            }
            var sha = new Sha256();
            sha.Update(inner);
            sha.Update(message);
            byte[] innerHash = sha.Final();
            sha.Update(outer);
            sha.Update(innerHash);
            return sha.Final();
        }
    }
}
