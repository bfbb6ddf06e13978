using System.Formats.Cbor;
using CsCheck;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Telemetry;

namespace NodeFirmware.Core.Tests.Telemetry;

/// <summary>What the batch encoders' round trips share: random readings, and the fields both batch versions have.</summary>
public static class TelemetryGen
{
    public sealed record Head(string Device, uint Epoch, ulong First, ulong Time, List<(ulong Seq, string Code)> Faults);

    /// <summary>
    /// Reads a batch map of <paramref name="version"/> strictly: v, d, e, s, t and f here, every other key through
    /// <paramref name="other"/> (which returns false for a key it does not know); nothing may follow the map.
    /// </summary>
    public static Head ReadBatch(byte[] payload, int version, Func<CborReader, string, bool> other)
    {
        var r = new CborReader(payload, CborConformanceMode.Strict);
        int entries = r.ReadStartMap()!.Value;
        string device = ""; uint epoch = 0; ulong first = 0, time = 0;
        var faults = new List<(ulong, string)>();
        for (int i = 0; i < entries; i++)
        {
            string key = r.ReadTextString();
            switch (key)
            {
                case "v": Assert.Equal(version, r.ReadInt32()); break;
                case "d": device = r.ReadTextString(); break;
                case "e": epoch = (uint)r.ReadUInt64(); break;
                case "s": first = r.ReadUInt64(); break;
                case "t": time = r.ReadUInt64(); break;
                case "f":
                    int fn = r.ReadStartArray()!.Value;
                    for (int k = 0; k < fn; k++) { r.ReadStartArray(); faults.Add((r.ReadUInt64(), r.ReadTextString())); r.ReadEndArray(); }
                    r.ReadEndArray();
                    break;
                default: if (!other(r, key)) throw new InvalidDataException("unknown key " + key); break;
            }
        }
        r.ReadEndMap();
        Assert.Equal(0, r.BytesRemaining);
        return new Head(device, epoch, first, time, faults);
    }

    public static readonly Gen<Reading> Reading =
        Gen.Select(Gen.Int[-4000, 8500], Gen.Int[0, 10000], Gen.Int[30000, 110000], Gen.Int[-1, 4200], Gen.Int[0, 8], Gen.Int[0, 120])
           .Select((t, h, p, b, fault, dt) => new Reading
           {
               Sample = new EnvironmentSample { CentiCelsius = t, CentiPercentRh = h, Pascal = p },
               BatteryMillivolts = b,
               Fault = fault >= 7 ? SensorFault.Timeout : SensorFault.None,
               UnixTime = (uint)dt,
           });
}
