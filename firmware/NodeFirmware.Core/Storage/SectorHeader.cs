using NodeFirmware.Core.Util;

namespace NodeFirmware.Core.Storage
{
    /// <summary>
    /// The first 32 bytes of every journal sector: a checkpoint of the journal's state when the sector
    /// was opened, so erasing the oldest sector never loses the epoch, the sequence counter or what
    /// was already released.
    /// <code>
    ///  0  u32  magic "NFJ1"
    ///  4  u32  sector sequence (increases by one for every sector opened)
    ///  8  u32  boot epoch
    /// 12  u32  next reading sequence
    /// 16  u32  released through (highest sequence the broker acknowledged; 0 = none)
    /// 20  u32  readings dropped so far because the journal was full
    /// 24  u32  reserved (0xFFFFFFFF)
    /// 28  u32  CRC-32 of bytes 0..27
    /// </code>
    /// </summary>
    internal class SectorHeader
    {
        public const int Size = 32;
        public const uint Magic = 0x314A464E; // "NFJ1" little-endian

        public uint SectorSequence;
        public uint Epoch;
        public uint NextSequence;
        public uint ReleasedThrough;
        public uint Dropped;

        public byte[] Encode()
        {
            var b = new byte[Size];
            ByteOrder.WriteUInt32LE(b, 0, Magic);
            ByteOrder.WriteUInt32LE(b, 4, SectorSequence);
            ByteOrder.WriteUInt32LE(b, 8, Epoch);
            ByteOrder.WriteUInt32LE(b, 12, NextSequence);
            ByteOrder.WriteUInt32LE(b, 16, ReleasedThrough);
            ByteOrder.WriteUInt32LE(b, 20, Dropped);
            ByteOrder.WriteUInt32LE(b, 24, 0xFFFFFFFF);
            ByteOrder.WriteUInt32LE(b, 28, Crc32.Compute(b, 0, 28));
            return b;
        }

        /// <summary>Null when the bytes are not a complete header (erased, torn or foreign).</summary>
        public static SectorHeader Decode(byte[] b)
        {
            if (ByteOrder.ReadUInt32LE(b, 0) != Magic) return null;
            if (Crc32.Compute(b, 0, 28) != ByteOrder.ReadUInt32LE(b, 28)) return null;
            var h = new SectorHeader();
            h.SectorSequence = ByteOrder.ReadUInt32LE(b, 4);
            h.Epoch = ByteOrder.ReadUInt32LE(b, 8);
            h.NextSequence = ByteOrder.ReadUInt32LE(b, 12);
            h.ReleasedThrough = ByteOrder.ReadUInt32LE(b, 16);
            h.Dropped = ByteOrder.ReadUInt32LE(b, 20);
            return h;
        }
    }
}
