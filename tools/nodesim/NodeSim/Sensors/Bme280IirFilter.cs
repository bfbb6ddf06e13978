namespace NodeSim.Sensors;

/// <summary>
/// The IIR filter the BME280 applies to the temperature and pressure ADC words (datasheet 3.4.4):
/// filtered = (filtered_old * (c - 1) + adc) / c.
/// </summary>
public sealed class Bme280IirFilter
{
    private double? _t;
    private double? _p;

    public void Reset()
    {
        _t = null;
        _p = null;
    }

    /// <summary>Feeds one conversion; coefficient 0 means filter off. Returns the filtered words.</summary>
    public (int AdcT, int AdcP) Apply(int adcT, int adcP, int coefficient)
    {
        _t = Step(_t, adcT, coefficient);
        _p = Step(_p, adcP, coefficient);
        return ((int)Math.Round(_t.Value), (int)Math.Round(_p.Value));
    }

    private static double Step(double? previous, int input, int coefficient)
    {
        // The memory starts from the first sample; with the filter off it just tracks the input.
        if (previous is null || coefficient <= 1)
        {
            return input;
        }

        return (previous.Value * (coefficient - 1) + input) / coefficient;
    }
}
