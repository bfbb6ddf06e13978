using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Telemetry;
using NodeFirmware.Core.Util;

namespace NodeFirmware.Core.Storage
{
    /// <summary>
    /// The 32-byte slot layout of the journal. Slots are programmed once, from erased (0xFF), and carry
    /// their own CRC so a slot torn by a power cut is recognised and skipped.
    /// <code>
    ///  0  u8   kind (1 reading, 2 released-through, 3 link state)
    ///  1  u8   flags (reading: bit0 time valid) / unused
    ///  2  u8   fault (reading)
    ///  3  u8   reserved (0)
    ///  4  u32  sequence (reading) / released-through sequence / consecutive link failures
    ///  8  u32  unix time (reading) / next link attempt (link state)
    /// 12  i32  temperature, centi-°C
    /// 16  i32  humidity, centi-%RH
    /// 20  i32  pressure, Pa
    /// 24  i16  battery, mV
    /// 26  u16  reserved (0)
    /// 28  u32  CRC-32 of bytes 0..27
    /// </code>
    /// </summary>
    internal static class JournalRecord
    {
        public const int Size = 32;
        public const byte KindReading = 1;
        public const byte KindReleased = 2;
        public const byte KindLinkState = 3;

        public static byte[] EncodeReading(Reading r, bool timeValid)
        {
            var b = New(KindReading);
            b[1] = (byte)(timeValid ? 1 : 0);
            b[2] = (byte)r.Fault;
            ByteOrder.WriteUInt32LE(b, 4, r.Sequence);
            ByteOrder.WriteUInt32LE(b, 8, r.UnixTime);
            ByteOrder.WriteUInt32LE(b, 12, (uint)r.Sample.CentiCelsius);
            ByteOrder.WriteUInt32LE(b, 16, (uint)r.Sample.CentiPercentRh);
            ByteOrder.WriteUInt32LE(b, 20, (uint)r.Sample.Pascal);
            ByteOrder.WriteUInt16LE(b, 24, (ushort)(short)r.BatteryMillivolts);
            return Seal(b);
        }

        public static byte[] EncodeReleased(uint releasedThrough)
        {
            var b = New(KindReleased);
            ByteOrder.WriteUInt32LE(b, 4, releasedThrough);
            return Seal(b);
        }

        public static byte[] EncodeLinkState(uint consecutiveFailures, uint nextAttemptUnixTime)
        {
            var b = New(KindLinkState);
            ByteOrder.WriteUInt32LE(b, 4, consecutiveFailures);
            ByteOrder.WriteUInt32LE(b, 8, nextAttemptUnixTime);
            return Seal(b);
        }

        public static Reading DecodeReading(byte[] b)
        {
            var r = new Reading();
            r.Fault = (SensorFault)b[2];
            r.Sequence = ByteOrder.ReadUInt32LE(b, 4);
            r.UnixTime = ByteOrder.ReadUInt32LE(b, 8);
            var s = new EnvironmentSample();
            s.CentiCelsius = (int)ByteOrder.ReadUInt32LE(b, 12);
            s.CentiPercentRh = (int)ByteOrder.ReadUInt32LE(b, 16);
            s.Pascal = (int)ByteOrder.ReadUInt32LE(b, 20);
            r.Sample = s;
            r.BatteryMillivolts = (short)ByteOrder.ReadUInt16LE(b, 24);
            return r;
        }

        public static uint Field(byte[] b, int offset) { return ByteOrder.ReadUInt32LE(b, offset); }

        /// <summary>True when the slot holds a complete record: its CRC matches and its kind is known.</summary>
        public static bool IsValid(byte[] b)
        {
            if (b[0] < KindReading || b[0] > KindLinkState) return false;
            return Crc32.Compute(b, 0, 28) == ByteOrder.ReadUInt32LE(b, 28);
        }

        public static bool IsErased(byte[] b, int offset, int count)
        {
            for (int i = offset; i < offset + count; i++) if (b[i] != 0xFF) return false;
            return true;
        }

        private static byte[] New(byte kind)
        {
            var b = new byte[Size];
            b[0] = kind;
            return b;
        }

        private static byte[] Seal(byte[] b)
        {
            ByteOrder.WriteUInt32LE(b, 28, Crc32.Compute(b, 0, 28));
            return b;
        }
    }
}
