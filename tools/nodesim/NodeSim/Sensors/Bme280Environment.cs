namespace NodeSim.Sensors;

/// <summary>One instantaneous state of the air around the sensor.</summary>
public readonly record struct EnvironmentSample(double TemperatureC, double HumidityPercent, double PressurePa);

/// <summary>
/// The air the simulated BME280 sits in: a base value per quantity, a linear drift per second of
/// virtual time (counted from <see cref="ReferenceTimeMs"/>) and optional seeded Gaussian noise.
/// </summary>
public sealed class Bme280Environment
{
    private readonly Random _random;

    public Bme280Environment(double temperatureC = 25.0, double humidityPercent = 40.0, double pressurePa = 101325.0, int seed = 0)
    {
        TemperatureC = temperatureC;
        HumidityPercent = humidityPercent;
        PressurePa = pressurePa;
        _random = new Random(seed);
    }

    /// <summary>
    /// Raised before any setting changes, so a sensor that simulates lazily can first catch up to the
    /// present with the old air.
    /// </summary>
    public event Action? Changing;

    public double TemperatureC { get; set => Change(ref field, value); }
    public double HumidityPercent { get; set => Change(ref field, value); }
    public double PressurePa { get; set => Change(ref field, value); }

    public double TemperatureDriftPerSecond { get; set => Change(ref field, value); }
    public double HumidityDriftPerSecond { get; set => Change(ref field, value); }
    public double PressureDriftPerSecond { get; set => Change(ref field, value); }

    public double TemperatureNoiseSigma { get; set => Change(ref field, value); }
    public double HumidityNoiseSigma { get; set => Change(ref field, value); }
    public double PressureNoiseSigma { get; set => Change(ref field, value); }

    /// <summary>Virtual time (ms) at which the base values hold exactly; drift counts from here.</summary>
    public double ReferenceTimeMs { get; set => Change(ref field, value); }

    /// <summary>Sets the base values and restarts drift at <paramref name="nowMs"/>.</summary>
    public void Set(double temperatureC, double humidityPercent, double pressurePa, double nowMs = 0)
    {
        TemperatureC = temperatureC;
        HumidityPercent = humidityPercent;
        PressurePa = pressurePa;
        ReferenceTimeMs = nowMs;
    }

    public EnvironmentSample Sample(double timeMs)
    {
        double seconds = (timeMs - ReferenceTimeMs) / 1000.0;
        double t = TemperatureC + TemperatureDriftPerSecond * seconds + Gaussian(TemperatureNoiseSigma);
        double h = HumidityPercent + HumidityDriftPerSecond * seconds + Gaussian(HumidityNoiseSigma);
        double p = PressurePa + PressureDriftPerSecond * seconds + Gaussian(PressureNoiseSigma);
        return new EnvironmentSample(t, Math.Clamp(h, 0, 100), Math.Max(p, 0));
    }

    private void Change(ref double field, double value)
    {
        Changing?.Invoke();
        field = value;
    }

    private double Gaussian(double sigma)
    {
        if (sigma <= 0)
        {
            return 0;
        }

        // Box-Muller; 1 - NextDouble() keeps the log argument in (0, 1].
        double u1 = 1.0 - _random.NextDouble();
        double u2 = _random.NextDouble();
        return sigma * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
