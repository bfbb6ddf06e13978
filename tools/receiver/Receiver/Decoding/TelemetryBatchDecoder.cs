using NodeFirmware.HostCommon.Telemetry;
using NodeFirmware.Receiver.Model;

namespace NodeFirmware.Receiver.Decoding;

/// <summary>
/// Decodes a telemetry batch, version 1 or 2 (docs/formats/README.md) with System.Formats.Cbor, independently of the
/// firmware's own CBOR code, and expands it into readings. Version 2's packed columns are first unpacked into
/// version 1's form (<see cref="PackedColumns"/>). Any defect throws <see cref="PayloadRejected"/>.
/// Version 2 names no device: its readings are the topic's device's, which the broker binds to the sender's
/// certificate (a device may publish only under nodes/{its CN}/). Version 1 names one, which
/// <see cref="Validation.TelemetryValidator"/> holds to the topic's.
/// </summary>
public static class TelemetryBatchDecoder
{
    private const string Payload = "telemetry batch";

    /// <param name="topicDeviceId">The device of the topic the batch arrived on (nodes/{id}/telemetry).</param>
    public static TelemetryBatch Decode(ReadOnlyMemory<byte> payload, string topicDeviceId)
    {
        DeviceIds.Require(topicDeviceId, "the topic's device id");
        if (payload.Length == 0) throw new PayloadRejected(RejectReason.Empty, "the telemetry payload is empty");
        if (payload.Length > TelemetryLimits.MaxPayloadBytes)
            throw new PayloadRejected(RejectReason.TooLarge, $"the telemetry payload is {payload.Length} bytes (at most {TelemetryLimits.MaxPayloadBytes})");
        return CborErrors.Guard(Payload, () => DecodeFields(new StrictCborReader(payload)).Expand(topicDeviceId));
    }

    private static BatchFields DecodeFields(StrictCborReader r)
    {
        var f = new BatchFields();
        int pairs = r.ReadMapStart(Payload);
        if (pairs > 10) throw new PayloadRejected(RejectReason.UnknownField, $"the batch map has {pairs} entries; a batch has at most 10");
        for (int i = 0; i < pairs; i++)
        {
            string key = r.ReadText("a batch key", 8);
            switch (key)
            {
                case "v": f.Version = r.ReadUnsigned("v (schema version)", int.MaxValue); break;
                case "d": f.DeviceId = r.ReadText("d (device id)", TelemetryLimits.MaxDeviceIdLength); break;
                case "e": f.Epoch = r.ReadUnsigned("e (boot epoch)", TelemetryLimits.MaxEpoch); break;
                case "s": f.Sequence = r.ReadUnsigned("s (first sequence)", TelemetryLimits.MaxSequence); break;
                case "t": f.Time = r.ReadUnsigned("t (first time)", TelemetryLimits.MaxUnixTime); break;
                case "dt": f.Deltas = ReadDeltas(r); break;
                case "c": ReadChannelList(r, f); break;
                case "p": f.Period = r.ReadUnsigned("p (cadence)", TelemetryLimits.MaxUnixTime); break;
                case "n": f.Count = r.ReadUnsigned("n (readings)", TelemetryLimits.MaxReadings); break;
                case "b": f.Packed = r.ReadBytes("b (packed columns)", TelemetryLimits.MaxPayloadBytes); break;
                case "f": f.Faults = ReadFaults(r); break;
                default: throw new PayloadRejected(RejectReason.UnknownField, $"unknown batch field '{DeviceIds.Printable(key)}'");
            }
        }
        r.ReadMapEnd();
        if (r.BytesRemaining != 0) throw new PayloadRejected(RejectReason.TrailingData, $"{r.BytesRemaining} bytes follow the batch map");
        return f;
    }

    private static long[] ReadDeltas(StrictCborReader r)
    {
        int count = r.ReadArrayStart("dt");
        RequireReadingCount(count, "dt");
        var deltas = new long[count];
        for (int k = 0; k < count; k++) deltas[k] = r.ReadInteger("dt", k);
        r.ReadArrayEnd();
        return deltas;
    }

    /// <summary>Version 1 lists channel maps, version 2 channel codes; the first item says which.</summary>
    private static void ReadChannelList(StrictCborReader r, BatchFields f)
    {
        int count = r.ReadArrayStart("c (channels)");
        if (count > TelemetryLimits.MaxChannels)
            throw new PayloadRejected(RejectReason.LimitExceeded, $"the batch has {count} channels (at most {TelemetryLimits.MaxChannels})");
        if (count > 0 && r.Peek() != System.Formats.Cbor.CborReaderState.StartMap)
        {
            var codes = new int[count];
            for (int i = 0; i < count; i++) codes[i] = (int)r.ReadUnsigned(ChannelNames[i], PackedChannels.MaxCode);
            f.ChannelCodes = codes;
        }
        else
        {
            var channels = new List<ChannelFields>(count);
            for (int i = 0; i < count; i++) channels.Add(ReadChannel(r, i));
            f.Channels = channels;
        }
        r.ReadArrayEnd();
    }

    private static ChannelFields ReadChannel(StrictCborReader r, int index)
    {
        string where = ChannelNames[index];
        int pairs = r.ReadMapStart(where);
        if (pairs > 4) throw new PayloadRejected(RejectReason.UnknownField, $"{where} has {pairs} entries; a channel has 4 (n, u, x, d)");
        var c = new ChannelFields();
        for (int i = 0; i < pairs; i++)
        {
            string key = r.ReadText(where + " key", 8);
            switch (key)
            {
                case "n": c.Name = r.ReadText(where + ".n (name)", TelemetryLimits.MaxChannelNameLength); break;
                case "u": c.Unit = r.ReadText(where + ".u (unit)", TelemetryLimits.MaxUnitLength); break;
                case "x":
                    long x = r.ReadInteger(where + ".x (exponent)");
                    if (x < TelemetryLimits.MinExponent || x > TelemetryLimits.MaxExponent)
                        throw new PayloadRejected(RejectReason.OutOfRange, $"{where}.x = {x} is outside {TelemetryLimits.MinExponent}..{TelemetryLimits.MaxExponent}");
                    c.Exponent = (int)x;
                    break;
                case "d":
                    string dataName = where + ".d";
                    int count = r.ReadArrayStart(dataName);
                    RequireReadingCount(count, dataName);
                    var data = new long?[count];
                    for (int k = 0; k < count; k++) data[k] = r.ReadIntegerOrNull(dataName, k);
                    r.ReadArrayEnd();
                    c.Data = data;
                    break;
                default: throw new PayloadRejected(RejectReason.UnknownField, $"unknown field '{DeviceIds.Printable(key)}' in {where}");
            }
        }
        r.ReadMapEnd();
        if (c.Name is null) throw Missing($"{where}.n");
        if (c.Unit is null) throw Missing($"{where}.u");
        if (c.Exponent is null) throw Missing($"{where}.x");
        if (c.Data is null) throw Missing($"{where}.d");
        if (c.Name.Length == 0) throw new PayloadRejected(RejectReason.WrongType, $"{where}.n is empty");
        return c;
    }

    private static List<(long Sequence, string Code)> ReadFaults(StrictCborReader r)
    {
        int count = r.ReadArrayStart("f (faults)");
        RequireReadingCount(count, "f");
        var faults = new List<(long, string)>(count);
        for (int i = 0; i < count; i++)
        {
            int n = r.ReadArrayStart("a fault");
            if (n != 2) throw new PayloadRejected(RejectReason.InvalidFault, $"f[{i}] has {n} items; a fault is [sequence, code]");
            long seq = r.ReadUnsigned("a fault's sequence", TelemetryLimits.MaxSequence + TelemetryLimits.MaxReadings);
            string code = r.ReadText("a fault's code", TelemetryLimits.MaxFaultCodeLength);
            if (code.Length == 0) throw new PayloadRejected(RejectReason.InvalidFault, $"f[{i}] has an empty code");
            r.ReadArrayEnd();
            faults.Add((seq, code));
        }
        r.ReadArrayEnd();
        return faults;
    }

    private static void RequireReadingCount(int count, string what)
    {
        if (count > TelemetryLimits.MaxReadings)
            throw new PayloadRejected(RejectReason.LimitExceeded, $"{what} has {count} entries (at most {TelemetryLimits.MaxReadings} readings)");
    }

    private static readonly string[] ChannelNames = Enumerable.Range(0, TelemetryLimits.MaxChannels).Select(i => $"c[{i}]").ToArray();

    private static PayloadRejected Missing(string what) => new(RejectReason.MissingField, what + " is missing");

    private sealed class ChannelFields
    {
        public string? Name;
        public string? Unit;
        public int? Exponent;
        public long?[]? Data;
    }

    private sealed class BatchFields
    {
        public long? Version;
        public string? DeviceId;
        public long? Epoch;
        public long? Sequence;
        public long? Time;
        public long[]? Deltas;
        public List<ChannelFields>? Channels;
        public List<(long Sequence, string Code)>? Faults;
        public long? Period;
        public long? Count;
        public int[]? ChannelCodes;
        public byte[]? Packed;

        public TelemetryBatch Expand(string topicDeviceId)
        {
            if (Version is null) throw Missing("v (schema version)");
            if (Version == TelemetryLimits.PackedSchemaVersion)
            {
                if (DeviceId is not null)
                    throw new PayloadRejected(RejectReason.UnknownField, "a version 2 batch names no device (d): the topic it arrives on does");
                Unpack();
                DeviceId = topicDeviceId;
            }
            else if (Version != TelemetryLimits.SchemaVersion)
                throw new PayloadRejected(RejectReason.UnsupportedVersion, $"schema version {Version} is not supported (1 or {TelemetryLimits.PackedSchemaVersion})");
            else if (Period is not null || Count is not null || Packed is not null || ChannelCodes is not null)
                throw new PayloadRejected(RejectReason.UnknownField, "a version 1 batch has version 2's fields (p, n, b or channel codes)");
            if (DeviceId is null) throw Missing("d (device id)");
            DeviceIds.Require(DeviceId, "d");
            if (Epoch is null) throw Missing("e (boot epoch)");
            if (Sequence is null) throw Missing("s (first sequence)");
            if (Time is null) throw Missing("t (first time)");
            if (Deltas is null) throw Missing("dt");
            if (Channels is null) throw Missing("c (channels)");

            int n = Deltas.Length;
            if (n == 0) throw new PayloadRejected(RejectReason.LengthMismatch, "the batch has no readings");
            if (Sequence.Value + n - 1 > TelemetryLimits.MaxSequence)
                throw new PayloadRejected(RejectReason.ValueOverflow, $"sequence {Sequence} + {n} readings passes {TelemetryLimits.MaxSequence}");
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var c in Channels)
            {
                if (c.Data!.Length != n)
                    throw new PayloadRejected(RejectReason.LengthMismatch, $"channel '{c.Name}' has {c.Data.Length} values for {n} readings");
                if (!names.Add(c.Name!))
                    throw new PayloadRejected(RejectReason.DuplicateField, $"channel '{c.Name}' appears twice");
            }
            var faultBySequence = IndexFaults(n);

            var columns = Channels.Select(c => new ChannelColumn(c.Name!, c.Unit!, c.Exponent!.Value)).ToArray();
            var sums = new long[Channels.Count];
            var powers = new double[Channels.Count]; // 10^|x| of each channel, once per batch rather than once per value
            for (int c = 0; c < powers.Length; c++) powers[c] = Math.Pow(10, Math.Abs(columns[c].Exponent));
            var readings = new DecodedReading[n];
            long time = Time.Value;
            for (int k = 0; k < n; k++)
            {
                if (!CheckedSum.TryAdd(time, Deltas[k], out time))
                    throw new PayloadRejected(RejectReason.ValueOverflow, $"the time of reading {k} overflows a 64-bit integer");
                int present = 0;
                for (int c = 0; c < Channels.Count; c++)
                    if (Channels[c].Data![k] is not null) present++;
                var values = present == 0 ? Array.Empty<ChannelValue>() : new ChannelValue[present];
                for (int c = 0, v = 0; c < Channels.Count; c++)
                {
                    long? delta = Channels[c].Data![k];
                    if (delta is null) continue;
                    if (!CheckedSum.TryAdd(sums[c], delta.Value, out sums[c]))
                        throw new PayloadRejected(RejectReason.ValueOverflow, $"channel '{columns[c].Name}' overflows a 64-bit integer at reading {k}");
                    values[v++] = new ChannelValue(columns[c].Name, columns[c].Unit, Scale(sums[c], columns[c].Exponent, powers[c]));
                }
                long sequence = Sequence.Value + k;
                string? fault = null;
                faultBySequence?.TryGetValue(sequence, out fault);
                readings[k] = new DecodedReading(new ReadingKey(DeviceId, Epoch.Value, sequence), time, values, fault);
            }
            return new TelemetryBatch((int)Version.Value, DeviceId, Epoch.Value, Sequence.Value, Time.Value, columns, readings);
        }

        /// <summary>Version 2's fields into version 1's: the time steps and the channels' headers and differences.</summary>
        private void Unpack()
        {
            if (Deltas is not null || Channels is not null)
                throw new PayloadRejected(RejectReason.UnknownField, "a version 2 batch has version 1's fields (dt or channel maps)");
            if (Period is null) throw Missing("p (cadence)");
            if (Count is null) throw Missing("n (readings)");
            if (ChannelCodes is null) throw Missing("c (channels)");
            if (Packed is null) throw Missing("b (packed columns)");
            if (Count == 0) throw new PayloadRejected(RejectReason.LengthMismatch, "the batch has no readings");
            Channels = new List<ChannelFields>(ChannelCodes.Length);
            foreach (int code in ChannelCodes)
            {
                if (!PackedChannels.TryGet(code, out var column))
                    throw new PayloadRejected(RejectReason.UnknownUnit, $"channel code {code} is not defined (1..{PackedChannels.MaxCode})");
                Channels.Add(new ChannelFields { Name = column.Name, Unit = column.Unit, Exponent = column.Exponent });
            }
            try
            {
                var (deltas, data) = PackedColumns.Unpack(Packed, (int)Count.Value, ChannelCodes.Length, Period.Value);
                Deltas = deltas;
                for (int c = 0; c < data.Length; c++) Channels[c].Data = data[c];
            }
            catch (PackedColumnsException e)
            {
                throw new PayloadRejected(e.Defect switch
                {
                    PackedColumnsDefect.LengthMismatch => RejectReason.LengthMismatch,
                    PackedColumnsDefect.OutOfRange => RejectReason.OutOfRange,
                    PackedColumnsDefect.ValueOverflow => RejectReason.ValueOverflow,
                    _ => RejectReason.MalformedCbor,
                }, e.Message);
            }
        }

        /// <summary>The faults by sequence; null when the batch has none (the usual case: no dictionary per message).</summary>
        private Dictionary<long, string>? IndexFaults(int n)
        {
            if (Faults is null || Faults.Count == 0) return null;
            var bySequence = new Dictionary<long, string>();
            foreach (var (seq, code) in Faults)
            {
                if (seq < Sequence || seq >= Sequence + n)
                    throw new PayloadRejected(RejectReason.InvalidFault, $"fault for sequence {seq} is outside the batch ({Sequence}..{Sequence + n - 1})");
                if (!bySequence.TryAdd(seq, code))
                    throw new PayloadRejected(RejectReason.InvalidFault, $"two faults for sequence {seq}");
            }
            return bySequence;
        }

        // Dividing by the power of ten (rather than multiplying by 10^-x) gives the double nearest the decimal value.
        private static double Scale(long scaled, int exponent, double power) =>
            exponent >= 0 ? scaled * power : scaled / power;
    }
}
