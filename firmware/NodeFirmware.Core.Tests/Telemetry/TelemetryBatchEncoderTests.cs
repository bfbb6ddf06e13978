using System.Formats.Cbor;
using CsCheck;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Telemetry;

namespace NodeFirmware.Core.Tests.Telemetry;

/// <summary>Round trips through an independent decoder (System.Formats.Cbor) following docs/formats/README.md.</summary>
public class TelemetryBatchEncoderTests
{
    private sealed record Decoded(string Device, uint Epoch, ulong First, ulong Time, long[] Dt, Dictionary<string, (string Unit, int Exp, long?[] Values)> Channels, List<(ulong Seq, string Code)> Faults);

    private static Decoded Decode(byte[] payload)
    {
        long[] dt = [];
        var channels = new Dictionary<string, (string, int, long?[])>();
        var head = TelemetryGen.ReadBatch(payload, 1, (r, key) =>
        {
            switch (key)
            {
                case "dt":
                    dt = new long[r.ReadStartArray()!.Value];
                    for (int k = 0; k < dt.Length; k++) dt[k] = r.ReadInt64();
                    r.ReadEndArray();
                    return true;
                case "c":
                    int cn = r.ReadStartArray()!.Value;
                    for (int c = 0; c < cn; c++)
                    {
                        r.ReadStartMap();
                        string name = "", unit = ""; int exp = 0; long?[] values = [];
                        for (int f = 0; f < 4; f++)
                        {
                            switch (r.ReadTextString())
                            {
                                case "n": name = r.ReadTextString(); break;
                                case "u": unit = r.ReadTextString(); break;
                                case "x": exp = r.ReadInt32(); break;
                                case "d":
                                    values = new long?[r.ReadStartArray()!.Value];
                                    long sum = 0;
                                    for (int k = 0; k < values.Length; k++)
                                    {
                                        if (r.PeekState() == CborReaderState.Null) { r.ReadNull(); continue; }
                                        sum += r.ReadInt64();
                                        values[k] = sum;
                                    }
                                    r.ReadEndArray();
                                    break;
                            }
                        }
                        r.ReadEndMap();
                        channels[name] = (unit, exp, values);
                    }
                    r.ReadEndArray();
                    return true;
                default: return false;
            }
        });
        return new Decoded(head.Device, head.Epoch, head.First, head.Time, dt, channels, head.Faults);
    }


    [Fact]
    public void Batches_decode_with_an_independent_decoder_to_the_same_values()
    {
        Gen.Select(TelemetryGen.Reading.Array[1, 80], Gen.UInt[1, uint.MaxValue], Gen.UInt[1, 1_000_000]).Sample((readings, epoch, firstSeq) =>
        {
            uint time = 1_764_000_000;
            int battery = readings[0].BatteryMillivolts;
            for (int k = 0; k < readings.Length; k++)
            {
                readings[k].Sequence = firstSeq + (uint)k;
                time += readings[k].UnixTime;
                readings[k].UnixTime = time;
                readings[k].BatteryMillivolts = battery < 0 ? -1 : Math.Max(0, readings[k].BatteryMillivolts);
            }
            var d = Decode(TelemetryBatchEncoder.Encode("esp32-0011223344ff", epoch, readings, 0, readings.Length));
            Assert.Equal("esp32-0011223344ff", d.Device);
            Assert.Equal(epoch, d.Epoch);
            Assert.Equal(firstSeq, d.First);
            Assert.Equal(readings[0].UnixTime, d.Time);
            long t = (long)d.Time;
            for (int k = 0; k < readings.Length; k++)
            {
                t += d.Dt[k];
                Assert.Equal(readings[k].UnixTime, t);
                bool ok = readings[k].Fault == SensorFault.None;
                Assert.Equal(ok ? readings[k].Sample.CentiCelsius : null, d.Channels["temperature"].Values[k]);
                Assert.Equal(ok ? readings[k].Sample.CentiPercentRh : null, d.Channels["humidity"].Values[k]);
                Assert.Equal(ok ? readings[k].Sample.Pascal : null, d.Channels["pressure"].Values[k]);
                if (battery >= 0) Assert.Equal(readings[k].BatteryMillivolts, d.Channels["battery"].Values[k]);
            }
            Assert.Equal(("Cel", -2), (d.Channels["temperature"].Unit, d.Channels["temperature"].Exp));
            Assert.Equal(("Pa", 0), (d.Channels["pressure"].Unit, d.Channels["pressure"].Exp));
            Assert.Equal(readings.Count(r => r.Fault != SensorFault.None), d.Faults.Count);
            Assert.All(d.Faults, f => Assert.Equal("sensor.timeout", f.Code));
        }, iter: 2_000, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void Non_consecutive_readings_are_refused()
    {
        var readings = new[] { new Reading { Sequence = 5 }, new Reading { Sequence = 7 } };
        Assert.Throws<ArgumentException>(() => TelemetryBatchEncoder.Encode("x", 1, readings, 0, 2));
    }
}
