namespace NodeFirmware.Core.Util
{
    /// <summary>Little- and big-endian integer reads and writes on byte arrays.</summary>
    public static class ByteOrder
    {
        public static void WriteUInt16LE(byte[] b, int i, int v) { b[i] = (byte)v; b[i + 1] = (byte)(v >> 8); }

        public static void WriteUInt32LE(byte[] b, int i, uint v)
        {
            b[i] = (byte)v; b[i + 1] = (byte)(v >> 8); b[i + 2] = (byte)(v >> 16); b[i + 3] = (byte)(v >> 24);
        }

        public static void WriteUInt64LE(byte[] b, int i, ulong v)
        {
            WriteUInt32LE(b, i, (uint)v);
            WriteUInt32LE(b, i + 4, (uint)(v >> 32));
        }

        public static int ReadUInt16LE(byte[] b, int i) { return b[i] | (b[i + 1] << 8); }

        public static uint ReadUInt32LE(byte[] b, int i)
        {
            return (uint)(b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24));
        }

        public static ulong ReadUInt64LE(byte[] b, int i)
        {
            return ReadUInt32LE(b, i) | ((ulong)ReadUInt32LE(b, i + 4) << 32);
        }

        public static void WriteUInt32BE(byte[] b, int i, uint v)
        {
            b[i] = (byte)(v >> 24); b[i + 1] = (byte)(v >> 16); b[i + 2] = (byte)(v >> 8); b[i + 3] = (byte)v;
        }

        public static uint ReadUInt32BE(byte[] b, int i)
        {
            return (uint)((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]);
        }
    }
}
