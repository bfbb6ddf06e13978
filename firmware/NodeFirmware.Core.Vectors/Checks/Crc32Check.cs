using NodeFirmware.Core.Util;

namespace NodeFirmware.Core.Vectors.Checks
{
    /// <summary>msg in hex; "split: N" computes it in two calls, the first over N bytes. Expect: the CRC as 8 hex digits.</summary>
    public static class Crc32Check
    {
        public static string Compute(Vector v)
        {
            byte[] m = v.Bytes("msg");
            int split = v.IntOr("split", m.Length);
            uint crc = Crc32.Append(Crc32.Compute(m, 0, split), m, split, m.Length - split);
            var b = new byte[] { (byte)(crc >> 24), (byte)(crc >> 16), (byte)(crc >> 8), (byte)crc };
            return HexText.Encode(b);
        }
    }
}
