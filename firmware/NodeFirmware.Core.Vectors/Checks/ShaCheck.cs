using NodeFirmware.Core.Crypto;

namespace NodeFirmware.Core.Vectors.Checks
{
    /// <summary>
    /// alg: sha256|sha512; the message as "msg:" (hex) or "repeat: BYTE COUNT" (a byte repeated, for FIPS's
    /// million 'a'). Expect: the digest in hex.
    /// </summary>
    public static class ShaCheck
    {
        public static string Compute(Vector v)
        {
            byte[] message = Message(v);
            string alg = v.Text("alg");
            if (alg == "sha256") return HexText.Encode(Sha256.Hash(message));
            if (alg == "sha512") return HexText.Encode(Sha512.Hash(message));
            throw new VectorFormatException(v.Name + ": unknown alg " + alg);
        }

        public static byte[] Message(Vector v)
        {
            if (!v.Has("repeat")) return v.Bytes("msg");
            string[] parts = v.Text("repeat").Split(' ');
            byte b = (byte)HexText.ParseLong(parts[0], v.Name + ".repeat");
            var m = new byte[(int)HexText.ParseLong(parts[parts.Length - 1], v.Name + ".repeat")];
            for (int i = 0; i < m.Length; i++) m[i] = b;
            return m;
        }
    }
}
