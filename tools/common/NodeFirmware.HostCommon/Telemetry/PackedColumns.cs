namespace NodeFirmware.HostCommon.Telemetry;

/// <summary>
/// Unpacks the "b" field of a telemetry batch, version 2 (docs/formats/README.md), into the form version 1 carries:
/// the seconds between readings ("dt") and per channel the first present value followed by differences, null for
/// no value, so a reader of version 1 reads both. Used by the receiver's validating decoder and the virtual node's
/// reader; a defect throws <see cref="PackedColumnsException"/>.
/// </summary>
public static class PackedColumns
{
    private const int MaxWidth = 64;
    private const int MaxVarintBytes = 10;

    public static (long[] Deltas, long?[][] Data) Unpack(ReadOnlySpan<byte> packed, int n, int channels, long period)
    {
        int at = 0;
        int timeWidth = Width(packed, ref at, "the time column");
        var bases = new long[channels];
        var widths = new int[channels];
        for (int c = 0; c < channels; c++)
        {
            bases[c] = SignedVarint(packed, ref at, c);
            widths[c] = Width(packed, ref at, $"channel {c}");
        }

        long bits = (long)timeWidth * (n - 1);
        foreach (int w in widths) bits += (long)w * n;
        long expected = (bits + 7) / 8;
        if (packed.Length - at != expected)
            throw new PackedColumnsException(PackedColumnsDefect.LengthMismatch, $"b holds {packed.Length - at} bytes of columns; {n} readings at these widths need {expected}");
        var stream = packed[at..];
        if (bits % 8 != 0 && (stream[^1] >> (int)(bits % 8)) != 0)
            throw new PackedColumnsException(PackedColumnsDefect.Padding, "b's padding bits are not zero");

        long position = 0;
        var deltas = new long[n];
        for (int k = 1; k < n; k++)
        {
            long deviation = Unzigzag(ReadBits(stream, ref position, timeWidth));
            if (!CheckedSum.TryAdd(period, deviation, out deltas[k]))
                throw new PackedColumnsException(PackedColumnsDefect.ValueOverflow, $"the time step of reading {k} overflows a 64-bit integer");
        }
        var data = new long?[channels][];
        for (int c = 0; c < channels; c++)
        {
            var column = new long?[n];
            bool first = true;
            for (int k = 0; k < n; k++)
            {
                ulong code = ReadBits(stream, ref position, widths[c]);
                if (code == 0) continue;
                long delta = Unzigzag(code - 1);
                if (first && !CheckedSum.TryAdd(bases[c], delta, out delta))
                    throw new PackedColumnsException(PackedColumnsDefect.ValueOverflow, $"channel {c}'s first value overflows a 64-bit integer");
                column[k] = delta;
                first = false;
            }
            data[c] = column;
        }
        return (deltas, data);
    }

    private static int Width(ReadOnlySpan<byte> packed, ref int at, string what)
    {
        if (at >= packed.Length) throw Truncated();
        int width = packed[at++];
        if (width > MaxWidth) throw new PackedColumnsException(PackedColumnsDefect.OutOfRange, $"{what} is {width} bits wide (at most {MaxWidth})");
        return width;
    }

    private static long SignedVarint(ReadOnlySpan<byte> packed, ref int at, int channel)
    {
        ulong value = 0;
        for (int i = 0; i < MaxVarintBytes; i++)
        {
            if (at >= packed.Length) throw Truncated();
            byte b = packed[at++];
            ulong group = (ulong)(b & 0x7F);
            if (i == MaxVarintBytes - 1 && group > 1)
                throw new PackedColumnsException(PackedColumnsDefect.ValueOverflow, $"channel {channel}'s base does not fit 64 bits");
            value |= group << (7 * i);
            if (b < 0x80) return Unzigzag(value);
        }
        throw new PackedColumnsException(PackedColumnsDefect.ValueOverflow, $"channel {channel}'s base is longer than {MaxVarintBytes} bytes");
    }

    /// <summary>The next <paramref name="width"/> bits, least significant first; the caller checked the length.</summary>
    private static ulong ReadBits(ReadOnlySpan<byte> stream, ref long position, int width)
    {
        ulong value = 0;
        int got = 0;
        while (got < width)
        {
            int offset = (int)(position & 7);
            int take = Math.Min(8 - offset, width - got);
            ulong part = (ulong)((stream[(int)(position >> 3)] >> offset) & ((1 << take) - 1));
            value |= part << got;
            got += take;
            position += take;
        }
        return value;
    }

    private static long Unzigzag(ulong z) => (long)(z >> 1) ^ -(long)(z & 1);

    private static PackedColumnsException Truncated() => new(PackedColumnsDefect.LengthMismatch, "b ends inside its column headers");
}

public enum PackedColumnsDefect { LengthMismatch, OutOfRange, ValueOverflow, Padding }

public sealed class PackedColumnsException(PackedColumnsDefect defect, string message) : Exception(message)
{
    public PackedColumnsDefect Defect { get; } = defect;
}
