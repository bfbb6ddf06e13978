using System.Formats.Cbor;
using System.Numerics;
using CsCheck;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Telemetry;

namespace NodeFirmware.Core.Tests.Telemetry;

/// <summary>
/// Version 2 batches read back by a decoder written from docs/formats/README.md alone (System.Formats.Cbor for the map,
/// BigInteger arithmetic for the packed columns), against the readings that went in.
/// </summary>
public class PackedBatchEncoderTests
{
    private sealed record Decoded(string Device, uint Epoch, ulong First, long[] Times, Dictionary<int, long?[]> Channels, List<(ulong Seq, string Code)> Faults);

    private static Decoded Decode(byte[] payload)
    {
        ulong period = 0; int n = 0;
        int[] codes = []; byte[] packed = [];
        var head = TelemetryGen.ReadBatch(payload, 2, (r, key) =>
        {
            switch (key)
            {
                case "p": period = r.ReadUInt64(); return true;
                case "n": n = r.ReadInt32(); return true;
                case "c":
                    codes = new int[r.ReadStartArray()!.Value];
                    for (int c = 0; c < codes.Length; c++) codes[c] = r.ReadInt32();
                    r.ReadEndArray();
                    return true;
                case "b": packed = r.ReadByteString(); return true;
                default: return false;
            }
        });

        int at = 0;
        int timeWidth = packed[at++];
        var bases = new long[codes.Length];
        var widths = new int[codes.Length];
        for (int c = 0; c < codes.Length; c++)
        {
            BigInteger z = 0;
            for (int shift = 0; ; shift += 7)
            {
                byte b = packed[at++];
                z += new BigInteger(b & 0x7F) << shift;
                if (b < 0x80) break;
            }
            bases[c] = (long)Unzigzag(z);
            widths[c] = packed[at++];
        }
        var bits = new BigInteger(packed.AsSpan(at), isUnsigned: true, isBigEndian: false);
        int bit = 0;
        BigInteger Take(int width) { var v = (bits >> bit) & ((BigInteger.One << width) - 1); bit += width; return v; }

        var times = new long[n];
        times[0] = (long)head.Time;
        for (int k = 1; k < n; k++) times[k] = times[k - 1] + (long)period + (long)Unzigzag(Take(timeWidth));
        var channels = new Dictionary<int, long?[]>();
        for (int c = 0; c < codes.Length; c++)
        {
            var values = new long?[n];
            long previous = bases[c];
            for (int k = 0; k < n; k++)
            {
                var code = Take(widths[c]);
                if (code.IsZero) continue;
                previous += (long)Unzigzag(code - 1);
                values[k] = previous;
            }
            channels[codes[c]] = values;
        }
        Assert.Equal((bit + 7) / 8, packed.Length - at);
        Assert.True((bits >> bit).IsZero, "the padding bits are zero");
        return new Decoded(head.Device, head.Epoch, head.First, times, channels, head.Faults);
    }

    private static BigInteger Unzigzag(BigInteger z) => z.IsEven ? z / 2 : -(z + 1) / 2;


    private static readonly Gen<Reading> GenExtremeReading =
        Gen.Select(Gen.Int, Gen.Int, Gen.Int, Gen.Int[-1, int.MaxValue], Gen.UInt)
           .Select((t, h, p, b, time) => new Reading
           {
               Sample = new EnvironmentSample { CentiCelsius = t, CentiPercentRh = h, Pascal = p },
               BatteryMillivolts = b,
               UnixTime = time,
           });

    [Fact]
    public void Batches_decode_with_an_independent_decoder_to_the_same_values()
    {
        Gen.Select(TelemetryGen.Reading.Array[1, 80], Gen.UInt[1, uint.MaxValue], Gen.UInt[1, 1_000_000]).Sample((readings, epoch, firstSeq) =>
        {
            uint time = 1_764_000_000;
            for (int k = 0; k < readings.Length; k++)
            {
                readings[k].Sequence = firstSeq + (uint)k;
                time += readings[k].UnixTime;
                readings[k].UnixTime = time;
            }
            RoundTrips(readings, epoch);
        }, iter: 2_000, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void Full_range_values_and_times_in_any_order_decode_unchanged()
    {
        Gen.Select(GenExtremeReading.Array[1, 40], Gen.UInt[1, 1_000_000]).Sample((readings, firstSeq) =>
        {
            for (int k = 0; k < readings.Length; k++) readings[k].Sequence = firstSeq + (uint)k;
            RoundTrips(readings, 1);
        }, iter: 2_000);
    }

    private static void RoundTrips(Reading[] readings, uint epoch)
    {
        var d = Decode(PackedBatchEncoder.Encode(epoch, readings, 0, readings.Length));
        Assert.Equal("", d.Device); // version 2 has no "d": the topic names the device
        Assert.Equal(epoch, d.Epoch);
        Assert.Equal(readings[0].Sequence, d.First);
        bool battery = readings[0].BatteryMillivolts >= 0;
        Assert.Equal(battery ? [1, 2, 3, 4] : new[] { 1, 2, 3 }, d.Channels.Keys.Order().ToArray());
        for (int k = 0; k < readings.Length; k++)
        {
            Assert.Equal(readings[k].UnixTime, d.Times[k]);
            bool ok = readings[k].Fault == SensorFault.None;
            Assert.Equal(ok ? readings[k].Sample.CentiCelsius : null, d.Channels[1][k]);
            Assert.Equal(ok ? readings[k].Sample.CentiPercentRh : null, d.Channels[2][k]);
            Assert.Equal(ok ? readings[k].Sample.Pascal : null, d.Channels[3][k]);
            if (battery) Assert.Equal(readings[k].BatteryMillivolts >= 0 ? readings[k].BatteryMillivolts : null, d.Channels[4][k]);
        }
        Assert.Equal(readings.Count(r => r.Fault != SensorFault.None), d.Faults.Count);
    }

    [Fact]
    public void A_quarter_hour_of_indoor_readings_is_under_half_of_version_1()
    {
        var readings = new Reading[15];
        for (int k = 0; k < readings.Length; k++)
            readings[k] = new Reading
            {
                Sequence = (uint)(500 + k), UnixTime = (uint)(1_764_000_000 + 60 * k + (k % 3 == 0 ? 1 : 0)),
                Sample = new EnvironmentSample { CentiCelsius = 2131 + k % 4, CentiPercentRh = 4520 - 3 * k, Pascal = 101_325 + (k % 2) * 4 },
                BatteryMillivolts = 3900,
            };
        int v1 = TelemetryBatchEncoder.Encode("esp32-0011223344ff", 7, readings, 0, 15).Length;
        int v2 = PackedBatchEncoder.Encode(7, readings, 0, 15).Length;
        Assert.True(v2 * 2 < v1, $"version 2 is {v2} bytes, version 1 {v1}");
    }

    [Fact]
    public void The_batch_names_no_device_and_holds_the_eight_entries_of_the_format()
    {
        var readings = new[] { new Reading { Sequence = 9, UnixTime = 1_764_000_000, BatteryMillivolts = 3900 } };
        var r = new CborReader(PackedBatchEncoder.Encode(7, readings, 0, 1), CborConformanceMode.Strict);
        var keys = new List<string>();
        int entries = r.ReadStartMap()!.Value;
        for (int i = 0; i < entries; i++) { keys.Add(r.ReadTextString()); r.SkipValue(); }
        Assert.Equal(["v", "e", "s", "t", "p", "n", "c", "b"], keys);
    }

    [Fact]
    public void Non_consecutive_readings_are_refused()
    {
        var readings = new[] { new Reading { Sequence = 5 }, new Reading { Sequence = 7 } };
        Assert.Throws<ArgumentException>(() => PackedBatchEncoder.Encode(1, readings, 0, 2));
    }
}
