using NodeFirmware.Core.Crypto;

namespace NodeFirmware.Core.Vectors.Checks
{
    /// <summary>pub, msg, sig in hex. Expect: "valid" or "invalid".</summary>
    public static class Ed25519Check
    {
        public static string Compute(Vector v)
        {
            return Ed25519.Verify(v.Bytes("pub"), v.Bytes("msg"), v.Bytes("sig")) ? "valid" : "invalid";
        }
    }
}
