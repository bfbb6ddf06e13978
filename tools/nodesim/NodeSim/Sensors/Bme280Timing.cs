namespace NodeSim.Sensors;

/// <summary>Measurement timing from the BME280 datasheet, appendix B (9.1).</summary>
public static class Bme280Timing
{
    /// <summary>Time the status.im_update bit stays set after power-on or soft reset (t_startup).</summary>
    public const double StartupMs = 2.0;

    /// <summary>t_measure,max for the given oversampling factors (0 = skipped).</summary>
    public static double MeasureMaxMs(int tOversampling, int pOversampling, int hOversampling)
    {
        double t = 1.25;
        if (tOversampling > 0)
        {
            t += 2.3 * tOversampling;
        }

        if (pOversampling > 0)
        {
            t += 2.3 * pOversampling + 0.575;
        }

        if (hOversampling > 0)
        {
            t += 2.3 * hOversampling + 0.575;
        }

        return t;
    }
}
