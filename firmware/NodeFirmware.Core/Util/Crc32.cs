namespace NodeFirmware.Core.Util
{
    /// <summary>CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as used by zlib and Ethernet.</summary>
    public static class Crc32
    {
        // Built on first use, not by a static initializer (docs/firmware-core-rules.md, "Static state").
        private static uint[] _table;

        public static uint Compute(byte[] data, int offset, int count)
        {
            return Append(0, data, offset, count);
        }

        /// <summary>Continues a CRC over more bytes; start with 0.</summary>
        public static uint Append(uint crc, byte[] data, int offset, int count)
        {
            uint[] table = _table;
            if (table == null) _table = table = BuildTable();
            uint c = ~crc;
            for (int i = offset; i < offset + count; i++)
            {
                c = table[(c ^ data[i]) & 0xFF] ^ (c >> 8);
            }
            return ~c;
        }

        private static uint[] BuildTable()
        {
            var table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                }
                table[n] = c;
            }
            return table;
        }
    }
}
