using System;
using NodeFirmware.Core.Util;

namespace NodeFirmware.Core.Provisioning
{
    /// <summary>Builds frames in the layout of <see cref="ProvisioningProtocol"/>.</summary>
    public static class FrameEncoder
    {
        public static byte[] Encode(MessageType type, int sequence, byte[] payload)
        {
            return Encode(ProvisioningProtocol.Version, type, sequence, payload);
        }

        /// <summary>With an explicit version byte; only tests and future versions need another one.</summary>
        public static byte[] Encode(byte version, MessageType type, int sequence, byte[] payload)
        {
            if (payload == null) payload = new byte[0];
            if (payload.Length > ProvisioningProtocol.AbsoluteMaxPayload) throw new ArgumentException("payload over 65535 bytes");
            if (sequence < 0 || sequence > 0xFFFF) throw new ArgumentOutOfRangeException("sequence");
            int n = payload.Length;
            var frame = new byte[ProvisioningProtocol.Overhead + n];
            frame[0] = ProvisioningProtocol.Magic0;
            frame[1] = ProvisioningProtocol.Magic1;
            frame[2] = ProvisioningProtocol.Magic2;
            frame[3] = version;
            frame[4] = (byte)type;
            ByteOrder.WriteUInt16LE(frame, 5, sequence);
            ByteOrder.WriteUInt16LE(frame, 7, n);
            ByteOrder.WriteUInt32LE(frame, 9, Crc32.Compute(frame, 0, 9));
            Array.Copy(payload, 0, frame, ProvisioningProtocol.HeaderSize, n);
            int crcAt = ProvisioningProtocol.HeaderSize + n;
            ByteOrder.WriteUInt32LE(frame, crcAt, Crc32.Compute(frame, 0, crcAt));
            return frame;
        }
    }
}
