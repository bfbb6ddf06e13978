using System.Buffers.Binary;
using System.Text;
using NodeFirmware.Receiver.Model;

namespace NodeFirmware.Receiver.Storage;

/// <summary>
/// The data column of a reading_batches row: the readings of one run (consecutive sequences of one device and
/// epoch) packed one after another. The row itself holds the key (device, epoch, first sequence, count), the time
/// range and the layout; per reading this holds, in sequence order:
/// <list type="bullet">
/// <item>a flags byte: bits 0–1 the time source, bit 2 set when a fault code follows; the other bits are zero;</item>
/// <item>the time as a zigzag varint delta from the previous reading's (the first from the row's ts_min);</item>
/// <item>the device's time as a zigzag varint delta from the time;</item>
/// <item>with bit 2: the fault code, a varint byte length and its UTF-8 bytes;</item>
/// <item>a varint bit mask of the layout's columns the reading has a value for, then those values as 8-byte
/// little-endian doubles in column order.</item>
/// </list>
/// The first byte of the column is the format version (1). Anything else — a short column, bytes left over, a mask
/// naming a column the layout lacks — is refused with <see cref="InvalidDataException"/>.
/// </summary>
public static class PackedReadings
{
    public const byte FormatVersion = 1;
    private const int FaultFlag = 4;
    private const int MaxFaultBytes = 1024;

    /// <summary>Packs <paramref name="records"/> (one device and epoch, consecutive sequences) against <paramref name="columns"/>.</summary>
    public static byte[] Pack(IReadOnlyList<TelemetryRecord> records, IReadOnlyList<(string Channel, string Unit)> columns, long tsMin)
    {
        var buffer = new ArrayBufferWriterLite(16 + records.Count * (4 + 8 * Math.Min(columns.Count, 4)));
        buffer.Byte(FormatVersion);
        long previous = tsMin;
        for (int i = 0; i < records.Count; i++)
        {
            var r = records[i];
            buffer.Byte((byte)((int)r.TimeSource | (r.Fault is null ? 0 : FaultFlag)));
            buffer.Varint(ZigZag(r.Time - previous));
            buffer.Varint(ZigZag(r.DeviceTime - r.Time));
            previous = r.Time;
            if (r.Fault is not null)
            {
                int length = Encoding.UTF8.GetByteCount(r.Fault);
                buffer.Varint((ulong)length);
                Encoding.UTF8.GetBytes(r.Fault, buffer.Take(length));
            }
            ulong mask = 0;
            var values = r.Values;
            for (int v = 0; v < values.Count; v++) mask |= 1UL << ColumnOf(columns, values[v]);
            buffer.Varint(mask);
            for (int c = 0; c < columns.Count; c++)
            {
                if ((mask & (1UL << c)) == 0) continue;
                for (int v = 0; v < values.Count; v++)
                {
                    if (!string.Equals(values[v].Channel, columns[c].Channel, StringComparison.Ordinal) || !string.Equals(values[v].Unit, columns[c].Unit, StringComparison.Ordinal)) continue;
                    BinaryPrimitives.WriteDoubleLittleEndian(buffer.Take(8), values[v].Value);
                    break;
                }
            }
        }
        return buffer.ToArray();
    }

    /// <summary>Unpacks a row's readings; the channels of each reading come in the layout's column order.</summary>
    public static TelemetryRecord[] Unpack(ReadOnlySpan<byte> data, string deviceId, long epoch, long firstSequence, int count,
        IReadOnlyList<(string Channel, string Unit)> columns, long tsMin)
    {
        if (count is < 1 or > BatchPlan.MaxRunLength) throw Bad($"a row of {count} readings");
        if (data.Length < 1 || data[0] != FormatVersion) throw Bad(data.Length < 1 ? "an empty data column" : $"format version {data[0]}");
        int p = 1;
        var records = new TelemetryRecord[count];
        long previous = tsMin;
        for (int i = 0; i < count; i++)
        {
            if (p >= data.Length) throw Bad($"the data ends at reading {i} of {count}");
            int flags = data[p++];
            if ((flags & ~(3 | FaultFlag)) != 0 || (flags & 3) > (int)TimeSource.Skewed) throw Bad($"flags {flags:x2} at reading {i}");
            long time = Add(previous, UnZigZag(ReadVarint(data, ref p)), i);
            long deviceTime = Add(time, UnZigZag(ReadVarint(data, ref p)), i);
            previous = time;
            string? fault = null;
            if ((flags & FaultFlag) != 0)
            {
                ulong length = ReadVarint(data, ref p);
                if (length > MaxFaultBytes || (ulong)(data.Length - p) < length) throw Bad($"a fault of {length} bytes at reading {i}");
                fault = Encoding.UTF8.GetString(data.Slice(p, (int)length));
                p += (int)length;
            }
            ulong mask = ReadVarint(data, ref p);
            if (columns.Count < 64 && mask >> columns.Count != 0) throw Bad($"reading {i} has values for columns the layout of {columns.Count} lacks");
            var values = new ChannelValue[System.Numerics.BitOperations.PopCount(mask)];
            for (int c = 0, v = 0; c < columns.Count; c++)
            {
                if ((mask & (1UL << c)) == 0) continue;
                if (data.Length - p < 8) throw Bad($"the values of reading {i} are cut short");
                values[v++] = new ChannelValue(columns[c].Channel, columns[c].Unit, BinaryPrimitives.ReadDoubleLittleEndian(data.Slice(p, 8)));
                p += 8;
            }
            records[i] = new TelemetryRecord(new ReadingKey(deviceId, epoch, firstSequence + i), time, deviceTime, (TimeSource)(flags & 3), fault, values);
        }
        if (p != data.Length) throw Bad($"{data.Length - p} bytes after the last reading");
        return records;
    }

    private static int ColumnOf(IReadOnlyList<(string Channel, string Unit)> columns, ChannelValue value)
    {
        for (int c = 0; c < columns.Count; c++)
            if (string.Equals(columns[c].Channel, value.Channel, StringComparison.Ordinal) && string.Equals(columns[c].Unit, value.Unit, StringComparison.Ordinal)) return c;
        throw new ArgumentException($"the layout has no column for {value.Channel} in {value.Unit}");
    }

    private static long Add(long a, long delta, int reading)
    {
        long sum = unchecked(a + delta);
        if (((a ^ sum) & (delta ^ sum)) < 0) throw Bad($"a time of reading {reading} overflows");
        return sum;
    }

    private static ulong ZigZag(long v) => (ulong)((v << 1) ^ (v >> 63));

    private static long UnZigZag(ulong v) => (long)(v >> 1) ^ -(long)(v & 1);

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int p)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (p >= data.Length) throw Bad("a number is cut short");
            byte b = data[p++];
            if (shift == 63 && b > 1) throw Bad("a number longer than 64 bits");
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw Bad("a number longer than 64 bits");
    }

    private static InvalidDataException Bad(string what) => new($"a packed readings row is corrupt: {what}");

    /// <summary>A growable byte buffer without the per-call overhead of a stream.</summary>
    private sealed class ArrayBufferWriterLite(int capacity)
    {
        private byte[] _bytes = new byte[Math.Max(capacity, 16)];
        private int _length;

        public void Byte(byte b) => Take(1)[0] = b;

        public void Varint(ulong v)
        {
            while (v >= 0x80)
            {
                Byte((byte)(v | 0x80));
                v >>= 7;
            }
            Byte((byte)v);
        }

        public Span<byte> Take(int n)
        {
            if (_length + n > _bytes.Length) Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + n));
            var span = _bytes.AsSpan(_length, n);
            _length += n;
            return span;
        }

        public byte[] ToArray() => _bytes.AsSpan(0, _length).ToArray();
    }
}
