using NodeFirmware.Core.Crypto;
using NodeFirmware.Core.Provisioning;

namespace NodeFirmware.Core.Vectors.Checks
{
    /// <summary>
    /// P-256 and what the device builds with it. "op:" says what: "public" (priv → the uncompressed public key), "sign"
    /// (priv, msg → r || s over SHA-256(msg), RFC 6979 nonce), "verify" (pub, msg, sig → valid/invalid), "generate"
    /// (random: the bytes the random source gives, 32 per draw → the private key chosen), "pkcs8" (priv → PKCS#8 DER),
    /// "csr" (priv, id → the PKCS#10 request, DER). Hex in, hex out.
    /// </summary>
    public static class P256Check
    {
        public static string Compute(Vector v)
        {
            string op = v.Text("op");
            if (op == "public") return HexText.Encode(P256Ecdsa.PublicKey(v.Bytes("priv")));
            if (op == "sign") return HexText.Encode(P256Ecdsa.SignMessage(v.Bytes("priv"), v.Bytes("msg")));
            if (op == "verify") return P256Ecdsa.Verify(v.Bytes("pub"), Sha256.Hash(v.Bytes("msg")), v.Bytes("sig")) ? "valid" : "invalid";
            if (op == "generate") return HexText.Encode(P256Ecdsa.GeneratePrivateKey(new ScriptedRandom(v.Bytes("random"))));
            if (op == "pkcs8") return HexText.Encode(DeviceKey.FromPrivate(v.Bytes("priv")).Pkcs8());
            if (op == "csr") return HexText.Encode(CsrBuilder.Build(DeviceKey.FromPrivate(v.Bytes("priv")), v.Text("id")));
            throw new VectorFormatException(v.Name + ": unknown op '" + op + "'");
        }
    }
}
