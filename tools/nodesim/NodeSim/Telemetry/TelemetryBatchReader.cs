using System.Formats.Cbor;
using NodeFirmware.HostCommon.Telemetry;

namespace NodeSim.Telemetry;

/// <summary>
/// Expands a telemetry batch (docs/formats/README.md, version 1 or 2) into readings with System.Formats.Cbor,
/// for the simulator's own display and checks. The receiver has its own, validating decoder.
/// Version 2 names no device: its readings are the topic's device's. Version 1 names one, which must be that device.
/// </summary>
public static class TelemetryBatchReader
{
    /// <summary>Reads a batch that arrived on <paramref name="topic"/> (nodes/{id}/telemetry).</summary>
    public static IReadOnlyList<DecodedReading> Read(string topic, byte[] payload) => Read(payload, DeviceOf(topic));

    public static IReadOnlyList<DecodedReading> Read(byte[] payload, string topicDevice)
    {
        var r = new CborReader(payload, CborConformanceMode.Strict);
        int entries = r.ReadStartMap() ?? throw new InvalidDataException("indefinite-length map");
        string? named = null; uint epoch = 0, first = 0; long time = 0;
        ulong version = 0;
        long[] dt = [];
        var channels = new List<(string Name, string Unit, int Exponent, long?[] Deltas)>();
        long period = 0, count = 0;
        byte[] packed = [];
        for (int i = 0; i < entries; i++)
        {
            switch (r.ReadTextString())
            {
                case "v": version = r.ReadUInt64(); if (version is not (1 or 2)) throw new InvalidDataException("unknown batch version"); break;
                case "d": named = r.ReadTextString(); break;
                case "e": epoch = checked((uint)r.ReadUInt64()); break;
                case "s": first = checked((uint)r.ReadUInt64()); break;
                case "t": time = checked((long)r.ReadUInt64()); break;
                case "dt": dt = ReadArray(r, () => r.ReadInt64()); break;
                case "c": channels.AddRange(ReadArray(r, () => r.PeekState() == CborReaderState.StartMap ? ReadChannel(r) : ChannelOf(r.ReadInt64()))); break;
                case "p": period = checked((long)r.ReadUInt64()); break;
                case "n": count = checked((long)r.ReadUInt64()); break;
                case "b": packed = r.ReadByteString(); break;
                default: r.SkipValue(); break;
            }
        }
        r.ReadEndMap();
        string device = DeviceFor(version, named, topicDevice);
        if (packed.Length > 0)
        {
            var (deltas, data) = PackedColumns.Unpack(packed, checked((int)count), channels.Count, period);
            dt = deltas;
            for (int c = 0; c < channels.Count; c++) channels[c] = channels[c] with { Deltas = data[c] };
        }
        var readings = new List<DecodedReading>(dt.Length);
        var sums = new long[channels.Count];
        for (int k = 0; k < dt.Length; k++)
        {
            time += dt[k];
            var values = new Dictionary<string, (double, string)>();
            for (int c = 0; c < channels.Count; c++)
            {
                var (name, unit, exponent, deltas) = channels[c];
                if (deltas.Length != dt.Length) throw new InvalidDataException($"channel {name} has {deltas.Length} values for {dt.Length} readings");
                if (deltas[k] is not long d) continue;
                sums[c] += d;
                values[name] = (sums[c] * Math.Pow(10, exponent), unit);
            }
            readings.Add(new DecodedReading(device, epoch, first + (uint)k, time, values));
        }
        return readings;
    }

    private static string DeviceFor(ulong version, string? named, string topicDevice)
    {
        if (version == 2)
            return named is null ? topicDevice : throw new InvalidDataException("a version 2 batch names no device (d): its topic does");
        if (named != topicDevice)
            throw new InvalidDataException($"the batch names device '{named}' but arrived on the topic of '{topicDevice}'");
        return topicDevice;
    }

    /// <summary>The {id} of nodes/{id}/telemetry.</summary>
    public static string DeviceOf(string topic)
    {
        var parts = topic.Split('/');
        return parts.Length == 3 && parts[0] == "nodes" && parts[2] == "telemetry" && parts[1].Length > 0
            ? parts[1]
            : throw new InvalidDataException($"'{topic}' is not a telemetry topic (nodes/<id>/telemetry)");
    }

    private static (string, string, int, long?[]) ReadChannel(CborReader r)
    {
        int entries = r.ReadStartMap() ?? throw new InvalidDataException("indefinite-length channel");
        string name = "", unit = ""; int exponent = 0; long?[] deltas = [];
        for (int i = 0; i < entries; i++)
        {
            switch (r.ReadTextString())
            {
                case "n": name = r.ReadTextString(); break;
                case "u": unit = r.ReadTextString(); break;
                case "x": exponent = checked((int)r.ReadInt64()); break;
                case "d": deltas = ReadArray(r, () => r.PeekState() == CborReaderState.Null ? ReadNull(r) : r.ReadInt64()); break;
                default: r.SkipValue(); break;
            }
        }
        r.ReadEndMap();
        return (name, unit, exponent, deltas);
    }

    private static (string, string, int, long?[]) ChannelOf(long code) =>
        PackedChannels.TryGet(code, out var c) ? (c.Name, c.Unit, c.Exponent, []) : throw new InvalidDataException($"unknown channel code {code}");

    private static long? ReadNull(CborReader r)
    {
        r.ReadNull();
        return null;
    }

    private static T[] ReadArray<T>(CborReader r, Func<T> item)
    {
        int n = r.ReadStartArray() ?? throw new InvalidDataException("indefinite-length array");
        var items = new T[n];
        for (int i = 0; i < n; i++) items[i] = item();
        r.ReadEndArray();
        return items;
    }
}
