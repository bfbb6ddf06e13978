namespace NodeFirmware.Core.Provisioning
{
    /// <summary>
    /// Constants of the provisioning serial protocol (docs/formats/provisioning.md). A frame:
    /// <code>
    ///  0  3  magic "NFP"
    ///  3  1  protocol version (1)
    ///  4  1  message type (<see cref="MessageType"/>)
    ///  5  2  sequence, u16 little-endian (a reply carries the sequence of its request)
    ///  7  2  payload length n, u16 little-endian
    ///  9  4  header CRC-32 of bytes 0..8, little-endian
    /// 13  n  payload
    /// 13+n 4 frame CRC-32 of bytes 0..12+n, little-endian
    /// </code>
    /// The header has its own CRC so that a receiver resynchronising after noise rejects a false "NFP"
    /// at once instead of waiting for a payload length that was never sent.
    /// </summary>
    public static class ProvisioningProtocol
    {
        public const byte Magic0 = 0x4E; // 'N'
        public const byte Magic1 = 0x46; // 'F'
        public const byte Magic2 = 0x50; // 'P'
        public const byte Version = 1;

        public const int HeaderSize = 13;
        public const int TrailerSize = 4;
        public const int Overhead = HeaderSize + TrailerSize;

        /// <summary>Largest payload either side sends or accepts unless configured otherwise.</summary>
        public const int DefaultMaxPayload = 4096;

        /// <summary>Hard limit of the u16 length field.</summary>
        public const int AbsoluteMaxPayload = 0xFFFF;

        public const int HashSize = 32;
        public const int MacSize = 6;
    }
}
