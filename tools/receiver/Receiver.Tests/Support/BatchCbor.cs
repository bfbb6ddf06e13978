using System.Formats.Cbor;

namespace NodeFirmware.Receiver.Tests.Support;

/// <summary>
/// Writes telemetry batches field by field with System.Formats.Cbor, so a test can drop, replace or add a field
/// and produce exactly the defect it wants the decoder to reject.
/// </summary>
public sealed class BatchCbor
{
    private readonly List<(string Key, Action<CborWriter> Write)> _fields = new();

    public static BatchCbor Valid(int readings = 3, string device = Batches.DeviceId, long time = 1_750_000_000)
    {
        var b = new BatchCbor();
        b.Set("v", w => w.WriteInt32(1));
        b.Set("d", w => w.WriteTextString(device));
        b.Set("e", w => w.WriteUInt32(7));
        b.Set("s", w => w.WriteUInt32(100));
        b.Set("t", w => w.WriteInt64(time));
        b.Set("dt", w => Ints(w, Enumerable.Range(0, readings).Select(k => k == 0 ? 0L : 60L)));
        b.Set("c", w =>
        {
            w.WriteStartArray(2);
            Channel(w, "temperature", "Cel", -2, Enumerable.Range(0, readings).Select(k => (long?)(k == 0 ? 2131 : 1)));
            Channel(w, "pressure", "Pa", 0, Enumerable.Range(0, readings).Select(k => (long?)(k == 0 ? 101325 : -2)));
            w.WriteEndArray();
        });
        return b;
    }

    public BatchCbor Set(string key, Action<CborWriter> write)
    {
        int i = _fields.FindIndex(f => f.Key == key);
        if (i >= 0) _fields[i] = (key, write);
        else _fields.Add((key, write));
        return this;
    }

    public BatchCbor Remove(string key)
    {
        _fields.RemoveAll(f => f.Key == key);
        return this;
    }

    public byte[] Encode(CborConformanceMode mode = CborConformanceMode.Lax)
    {
        var w = new CborWriter(mode, convertIndefiniteLengthEncodings: false, allowMultipleRootLevelValues: true);
        w.WriteStartMap(_fields.Count);
        foreach (var (key, write) in _fields)
        {
            w.WriteTextString(key);
            write(w);
        }
        w.WriteEndMap();
        return w.Encode();
    }

    public static void Ints(CborWriter w, IEnumerable<long> values)
    {
        var list = values.ToList();
        w.WriteStartArray(list.Count);
        foreach (var v in list) w.WriteInt64(v);
        w.WriteEndArray();
    }

    public static void Channel(CborWriter w, string name, string unit, int exponent, IEnumerable<long?> deltas)
    {
        var list = deltas.ToList();
        w.WriteStartMap(4);
        w.WriteTextString("n"); w.WriteTextString(name);
        w.WriteTextString("u"); w.WriteTextString(unit);
        w.WriteTextString("x"); w.WriteInt32(exponent);
        w.WriteTextString("d");
        w.WriteStartArray(list.Count);
        foreach (var v in list)
        {
            if (v is null) w.WriteNull();
            else w.WriteInt64(v.Value);
        }
        w.WriteEndArray();
        w.WriteEndMap();
    }
}
