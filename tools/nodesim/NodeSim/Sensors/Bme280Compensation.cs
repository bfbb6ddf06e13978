namespace NodeSim.Sensors;

/// <summary>Raw ADC words as they appear in the BME280 data registers.</summary>
public readonly record struct Bme280RawSample(int AdcT, int AdcP, int AdcH);

/// <summary>
/// Bosch's fixed-point compensation (BME280 datasheet 4.2.3 / 8.2) and its inverse.
/// </summary>
public static class Bme280Compensation
{
    public const int MaxAdc20 = (1 << 20) - 1;
    public const int MaxAdc16 = (1 << 16) - 1;

    /// <summary>BME280_compensate_T_int32: temperature in 0.01 °C; t_fine feeds P and H.</summary>
    public static int CompensateT(int adcT, Bme280Calibration c, out int tFine)
    {
        int var1 = (((adcT >> 3) - (c.DigT1 << 1)) * c.DigT2) >> 11;
        int d = (adcT >> 4) - c.DigT1;
        int var2 = (((d * d) >> 12) * c.DigT3) >> 14;
        tFine = var1 + var2;
        return (tFine * 5 + 128) >> 8;
    }

    /// <summary>BME280_compensate_P_int64: pressure in Pa as Q24.8.</summary>
    public static uint CompensateP(int adcP, int tFine, Bme280Calibration c)
    {
        long var1 = (long)tFine - 128000;
        long var2 = var1 * var1 * c.DigP6;
        var2 += (var1 * c.DigP5) << 17;
        var2 += (long)c.DigP4 << 35;
        var1 = ((var1 * var1 * c.DigP3) >> 8) + ((var1 * c.DigP2) << 12);
        var1 = (((1L << 47) + var1) * c.DigP1) >> 33;
        if (var1 == 0)
        {
            return 0; // avoid division by zero, as the datasheet does
        }

        long p = 1048576 - adcP;
        p = (((p << 31) - var2) * 3125) / var1;
        var1 = (c.DigP9 * (p >> 13) * (p >> 13)) >> 25;
        var2 = (c.DigP8 * p) >> 19;
        p = ((p + var1 + var2) >> 8) + ((long)c.DigP7 << 4);
        return (uint)p;
    }

    /// <summary>bme280_compensate_H_int32: relative humidity in %RH as Q22.10.</summary>
    /// <remarks>
    /// Evaluated in 64 bits: identical to the int32 original wherever that one does not overflow, and
    /// it keeps the function monotonic over the whole 16-bit ADC range for the inverse search.
    /// </remarks>
    public static uint CompensateH(int adcH, int tFine, Bme280Calibration c)
    {
        long v = tFine - 76800L;
        long scaled = (((long)adcH << 14) - ((long)c.DigH4 << 20) - (c.DigH5 * v) + 16384) >> 15;
        long gain = (((((((v * c.DigH6) >> 10) * (((v * c.DigH3) >> 11) + 32768)) >> 10) + 2097152) * c.DigH2) + 8192) >> 14;
        v = scaled * gain;
        v -= (((((v >> 15) * (v >> 15)) >> 7) * c.DigH1) >> 4);
        v = Math.Clamp(v, 0, 419430400);
        return (uint)(v >> 12);
    }

    public static double ToCelsius(int tFine) => tFine / 5120.0;

    /// <summary>
    /// Raw ADC words whose compensated values are closest to the given environment.
    /// Temperature is matched on t_fine (1/5120 °C) rather than the 0.01 °C output so that
    /// floating-point host drivers also land next to the target.
    /// </summary>
    public static Bme280RawSample Invert(double temperatureC, double humidityPercent, double pressurePa, Bme280Calibration c)
    {
        int adcT = FindClosest(MaxAdc20, adc => { CompensateT(adc, c, out int tf); return ToCelsius(tf); }, temperatureC);
        CompensateT(adcT, c, out int tFine);
        int adcP = FindClosest(MaxAdc20, adc => -(CompensateP(adc, tFine, c) / 256.0), -pressurePa);
        int adcH = FindClosest(MaxAdc16, adc => CompensateH(adc, tFine, c) / 1024.0, humidityPercent);
        return new Bme280RawSample(adcT, adcP, adcH);
    }

    /// <summary>Binary search for the input in [0, max] whose non-decreasing f(x) is nearest target.</summary>
    private static int FindClosest(int max, Func<int, double> f, double target)
    {
        int lo = 0, hi = max;
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (f(mid) < target)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        // lo is the first x with f(x) >= target (or max); its predecessor may be nearer.
        if (lo > 0 && Math.Abs(f(lo - 1) - target) <= Math.Abs(f(lo) - target))
        {
            return lo - 1;
        }

        return lo;
    }
}
