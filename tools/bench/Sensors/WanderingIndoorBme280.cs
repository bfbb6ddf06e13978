using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Telemetry;

namespace NodeFirmware.Bench.Sensors;

/// <summary>
/// A BME280 in a room: temperature, humidity and pressure wander slowly with sensor noise, at the sensor's
/// resolution once rounded (0.01 °C, 0.01 %RH, 1 Pa), and each sample is taken up to a second after it was due
/// (the wake's jitter). What the simulated node's sensor produces; the benchmarks that count bytes or decode
/// batches use it so their batches pack as a real device's do.
/// </summary>
public sealed class WanderingIndoorBme280(int seed)
{
    private readonly Random _random = new(seed);

    public double Celsius { get; private set; } = 21.3;
    public double PercentRh { get; private set; } = 45.2;
    public double Pascal { get; private set; } = 101_325;

    /// <summary>The next sample, due at <paramref name="dueUnixTime"/>; <see cref="Celsius"/> and the others hold its unrounded values.</summary>
    public Reading Next(uint sequence, long dueUnixTime, int batteryMillivolts)
    {
        Celsius += (_random.NextDouble() - 0.5) * 0.1;
        PercentRh += (_random.NextDouble() - 0.5) * 0.2;
        Pascal += (_random.NextDouble() - 0.5) * 8;
        return new Reading
        {
            Sequence = sequence,
            UnixTime = (uint)(dueUnixTime + _random.Next(2)),
            Sample = new EnvironmentSample
            {
                CentiCelsius = (int)Math.Round(Celsius * 100), CentiPercentRh = (int)Math.Round(PercentRh * 100), Pascal = (int)Math.Round(Pascal),
            },
            BatteryMillivolts = batteryMillivolts,
        };
    }
}
