using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Util;

namespace NodeFirmware.Core.Telemetry
{
    /// <summary>
    /// Encodes consecutive readings as a telemetry batch, version 2 (docs/formats/README.md): the times as
    /// deviations from the batch's cadence, each channel's values as differences to its previous value, both
    /// zigzag-coded and bit-packed at the width the batch's largest one needs. A 15-reading batch of four channels
    /// is about a third of version 1 (the wire benchmark, docs/benchmarks.md). It names no device: the topic it is
    /// published on does, and the broker lets a certificate publish only under its own id.
    /// </summary>
    public static class PackedBatchEncoder
    {
        public const int SchemaVersion = 2;

        public static byte[] Encode(uint bootEpoch, Reading[] readings, int start, int count)
        {
            int faults;
            CborWriter w = BatchReadings.Start(SchemaVersion, 8, null, bootEpoch, readings, start, count, out faults);
            int channels = BatchReadings.ChannelCount(readings, start);
            long period = Cadence(readings, start, count);
            w.WriteText("p"); w.WriteUInt64((ulong)period);
            w.WriteText("n"); w.WriteUInt64((ulong)count);
            w.WriteText("c");
            w.WriteStartArray(channels);
            for (int c = 0; c < channels; c++) w.WriteUInt64((ulong)(c + 1));
            w.WriteText("b");
            w.WriteBytes(Pack(readings, start, count, channels, period));
            if (faults > 0) BatchReadings.WriteFaults(w, readings, start, count, faults);
            return w.ToArray();
        }

        /// <summary>The seconds between readings the time column counts from: the batch's mean spacing (0 for one reading).</summary>
        private static long Cadence(Reading[] readings, int start, int count)
        {
            if (count < 2) return 0;
            long span = (long)readings[start + count - 1].UnixTime - readings[start].UnixTime;
            return span <= 0 ? 0 : span / (count - 1);
        }

        private static byte[] Pack(Reading[] readings, int start, int count, int channels, long period)
        {
            var bases = new long[channels];
            var widths = new int[channels];
            int timeWidth = 0;
            for (int k = 1; k < count; k++) timeWidth = IntMath.Max(timeWidth, BitPacker.BitWidth(TimeCode(readings, start, k, period)));
            for (int c = 0; c < channels; c++)
            {
                bases[c] = FirstValue(readings, start, count, c);
                long previous = bases[c];
                for (int k = 0; k < count; k++) widths[c] = IntMath.Max(widths[c], BitPacker.BitWidth(ValueCode(readings[start + k], c, ref previous)));
            }

            var p = new BitPacker(8 + channels * 4 + count * channels);
            p.WriteByte(timeWidth);
            for (int c = 0; c < channels; c++)
            {
                p.WriteSignedVarint(bases[c]);
                p.WriteByte(widths[c]);
            }
            for (int k = 1; k < count; k++) p.WriteBits(TimeCode(readings, start, k, period), timeWidth);
            for (int c = 0; c < channels; c++)
            {
                long previous = bases[c];
                for (int k = 0; k < count; k++) p.WriteBits(ValueCode(readings[start + k], c, ref previous), widths[c]);
            }
            return p.ToArray();
        }

        private static ulong TimeCode(Reading[] readings, int start, int k, long period)
        {
            long dt = (long)readings[start + k].UnixTime - readings[start + k - 1].UnixTime;
            return BitPacker.ZigZag(dt - period);
        }

        /// <summary>0 for no value; otherwise 1 + the zigzag of the difference to the channel's previous value.</summary>
        private static ulong ValueCode(Reading r, int channel, ref long previous)
        {
            if (!BatchReadings.HasValue(r, channel)) return 0;
            long value = BatchReadings.ValueOf(r, channel);
            ulong code = BitPacker.ZigZag(value - previous) + 1;
            previous = value;
            return code;
        }

        private static long FirstValue(Reading[] readings, int start, int count, int channel)
        {
            for (int k = 0; k < count; k++)
            {
                if (BatchReadings.HasValue(readings[start + k], channel)) return BatchReadings.ValueOf(readings[start + k], channel);
            }
            return 0;
        }
    }
}
