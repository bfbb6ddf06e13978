using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Telemetry;
using NodeFirmware.Core.Util;

namespace NodeFirmware.Core.Storage
{
    /// <summary>
    /// The 32-byte slot layout of the journal. Slots are programmed once, from erased (0xFF), and carry
    /// their own CRC so a slot torn by a power cut is recognised and skipped.
    /// <code>
    ///  0  u8   kind (1 reading, 2 released-through, 3 link state, 4 link state with vitals)
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
    /// Kind 4 carries the link state at 4 and 8 as kind 3 does, and the vitals counters (<see cref="VitalsCounters"/>):
    /// <code>
    ///  1  u8   bit 0: the "online" birth is owed (<see cref="VitalsCounters.BirthDue"/>); bits 1–7: the wake it reports
    ///  2  u16  free-heap low-water mark, 16-byte units (0 = not measured)
    /// 12  u16  boots        14  u16  brown-outs      16  u16  watchdog resets     18  u16  panics
    /// 20  u32  reconnects   24  u32  unix time of the last reset boot (0 = unknown)
    /// </code>
    /// Firmware that knows only kinds 1–3 skips kind 4 slots as unknown (after a rollback it starts without back-off).
    /// </summary>
    internal static class JournalRecord
    {
        public const int Size = 32;
        public const byte KindReading = 1;
        public const byte KindReleased = 2;
        public const byte KindLinkState = 3;
        public const byte KindVitals = 4;

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

        public static byte[] EncodeVitals(uint consecutiveFailures, uint nextAttemptUnixTime, VitalsCounters v)
        {
            var b = New(KindVitals);
            if (v.BirthDue) b[1] = (byte)(1 | ((int)v.BirthWake & 0x7F) << 1);
            ByteOrder.WriteUInt16LE(b, 2, Saturate16(v.HeapLowWater / 16));
            ByteOrder.WriteUInt32LE(b, 4, consecutiveFailures);
            ByteOrder.WriteUInt32LE(b, 8, nextAttemptUnixTime);
            ByteOrder.WriteUInt16LE(b, 12, Saturate16(v.Boots));
            ByteOrder.WriteUInt16LE(b, 14, Saturate16(v.Brownouts));
            ByteOrder.WriteUInt16LE(b, 16, Saturate16(v.Watchdogs));
            ByteOrder.WriteUInt16LE(b, 18, Saturate16(v.Panics));
            ByteOrder.WriteUInt32LE(b, 20, v.Reconnects);
            ByteOrder.WriteUInt32LE(b, 24, v.ResetUnixTime);
            return Seal(b);
        }

        public static VitalsCounters DecodeVitals(byte[] b)
        {
            var v = new VitalsCounters();
            v.BirthDue = (b[1] & 1) != 0;
            if (v.BirthDue) v.BirthWake = (WakeCause)(b[1] >> 1);
            v.HeapLowWater = (uint)ByteOrder.ReadUInt16LE(b, 2) * 16;
            v.Boots = (uint)ByteOrder.ReadUInt16LE(b, 12);
            v.Brownouts = (uint)ByteOrder.ReadUInt16LE(b, 14);
            v.Watchdogs = (uint)ByteOrder.ReadUInt16LE(b, 16);
            v.Panics = (uint)ByteOrder.ReadUInt16LE(b, 18);
            v.Reconnects = ByteOrder.ReadUInt32LE(b, 20);
            v.ResetUnixTime = ByteOrder.ReadUInt32LE(b, 24);
            return v;
        }

        private static ushort Saturate16(uint v) { return v > 0xFFFF ? (ushort)0xFFFF : (ushort)v; }

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
            if (b[0] < KindReading || b[0] > KindVitals) return false;
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
