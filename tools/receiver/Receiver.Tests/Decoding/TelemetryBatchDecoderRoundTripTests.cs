using CsCheck;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Telemetry;
using NodeFirmware.Receiver.Decoding;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Decoding;

/// <summary>The receiver's independent decoder must read back exactly what the firmware's encoder wrote.</summary>
public class TelemetryBatchDecoderRoundTripTests
{
    private static readonly Gen<Reading[]> GenReadings =
        Gen.Select(Gen.Int[1, TelemetryLimits.MaxReadings], Gen.Int, Gen.UInt[0, uint.MaxValue - 1024], Gen.Bool, Gen.Int[0, 3])
            .Select((count, seed, firstSequence, battery, clock) =>
            {
                var random = new Random(seed);
                uint time = clock switch { 0 => 0u, 1 => 1_600_000_000u, _ => 1_700_000_000u + (uint)random.Next(0, 100_000_000) };
                var readings = new Reading[count];
                for (int k = 0; k < count; k++)
                {
                    if (k > 0 && time != 0) time += (uint)random.Next(0, 3600);
                    readings[k] = new Reading
                    {
                        Sequence = firstSequence + (uint)k,
                        UnixTime = time,
                        Fault = random.Next(10) == 0 ? (SensorFault)random.Next(1, 7) : SensorFault.None,
                        Sample = new EnvironmentSample
                        {
                            CentiCelsius = random.Next(-4000, 8501),
                            CentiPercentRh = random.Next(0, 10001),
                            Pascal = random.Next(30_000, 110_001),
                        },
                        BatteryMillivolts = battery && random.Next(20) != 0 ? random.Next(0, 6001) : -1,
                    };
                }
                return readings;
            });

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Random_batches_from_the_firmware_encoder_decode_to_the_same_readings(int version)
    {
        GenReadings.Sample(readings =>
        {
            var payload = Batches.Encode(version, readings, 42);
            var batch = TelemetryBatchDecoder.Decode(payload, Batches.DeviceId);
            Assert.Equal(version, batch.Version);

            Assert.Equal(Batches.DeviceId, batch.DeviceId);
            Assert.Equal(42, batch.Epoch);
            Assert.Equal(readings.Length, batch.Readings.Count);
            bool batteryChannel = readings[0].BatteryMillivolts >= 0;
            for (int k = 0; k < readings.Length; k++)
            {
                var expected = readings[k];
                var actual = batch.Readings[k];
                Assert.Equal(new Model.ReadingKey(Batches.DeviceId, 42, expected.Sequence), actual.Key);
                Assert.Equal(expected.UnixTime, actual.DeviceTime);
                Assert.Equal(expected.Fault == SensorFault.None ? null : SensorFaultCodes.ToCode(expected.Fault), actual.Fault);

                var values = actual.Values.ToDictionary(v => v.Channel);
                if (expected.Fault == SensorFault.None)
                {
                    Assert.Equal(expected.Sample.CentiCelsius / 100.0, values["temperature"].Value);
                    Assert.Equal("Cel", values["temperature"].Unit);
                    Assert.Equal(expected.Sample.CentiPercentRh / 100.0, values["humidity"].Value);
                    Assert.Equal("%RH", values["humidity"].Unit);
                    Assert.Equal(expected.Sample.Pascal, values["pressure"].Value);
                    Assert.Equal("Pa", values["pressure"].Unit);
                }
                else
                {
                    Assert.False(values.ContainsKey("temperature"));
                    Assert.False(values.ContainsKey("pressure"));
                }
                if (batteryChannel && expected.BatteryMillivolts >= 0)
                    Assert.Equal(expected.BatteryMillivolts / 1000.0, values["battery"].Value);
                else
                    Assert.False(values.ContainsKey("battery"));
            }
        }, iter: 300);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_batch_of_the_largest_allowed_size_decodes_within_the_payload_limit(int version)
    {
        var readings = Batches.Readings(TelemetryLimits.MaxReadings, 1, 1_750_000_000);
        var payload = Batches.Encode(version, readings);
        Assert.True(payload.Length <= TelemetryLimits.MaxPayloadBytes, $"{payload.Length} bytes");
        Assert.Equal(TelemetryLimits.MaxReadings, TelemetryBatchDecoder.Decode(payload, Batches.DeviceId).Readings.Count);
    }
}
