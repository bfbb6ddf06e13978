using NodeSim.Sensors;

namespace NodeSim.Tests.Sensors;

public class Bme280CompensationTests
{
    private static readonly Bme280Calibration Cal = Bme280Calibration.Default;

    [Fact]
    public void ForwardFormulasMatchTheDatasheetExample()
    {
        // Worked example of Bosch's BMP280 datasheet (3.12), whose T/P trimming values Default shares:
        // adc_T 519888 -> t_fine 128422, 25.08 °C; adc_P 415148 -> 100653.27 Pa. That figure comes
        // from the floating-point path; the int64 code gives 25767233 / 256 = 100653.25 Pa.
        Assert.Equal(2508, Bme280Compensation.CompensateT(519888, Cal, out int tFine));
        Assert.Equal(128422, tFine);
        uint p = Bme280Compensation.CompensateP(415148, tFine, Cal);
        Assert.Equal(25767233u, p);
        Assert.Equal(100653.27, p / 256.0, 0.05);
    }

    [Fact]
    public void HumidityIntegerFormulaAgreesWithTheDoubleFormula()
    {
        var random = new Random(17);
        for (int i = 0; i < 2000; i++)
        {
            int adcT = random.Next(380_000, 640_000);
            int adcH = random.Next(15_000, 45_000);
            Bme280Compensation.CompensateT(adcT, Cal, out int tFine);

            // Datasheet 8.1 double-precision version, written independently of the integer one.
            double v = tFine - 76800.0;
            v = (adcH - (Cal.DigH4 * 64.0 + Cal.DigH5 / 16384.0 * v))
                * (Cal.DigH2 / 65536.0 * (1.0 + Cal.DigH6 / 67108864.0 * v * (1.0 + Cal.DigH3 / 67108864.0 * v)));
            v *= 1.0 - Cal.DigH1 * v / 524288.0;
            double expected = Math.Clamp(v, 0, 100);

            double actual = Bme280Compensation.CompensateH(adcH, tFine, Cal) / 1024.0;
            Assert.True(Math.Abs(actual - expected) < 0.01, $"adc_T {adcT} adc_H {adcH}: {actual} vs {expected}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(42)]
    [InlineData(2024)]
    public void InverseThenForwardReturnsTheEnvironment(int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < 300; i++)
        {
            double t = -40 + 125 * random.NextDouble();
            double h = 100 * random.NextDouble();
            double p = 30000 + 80000 * random.NextDouble();

            var raw = Bme280Compensation.Invert(t, h, p, Cal);
            Assert.InRange(raw.AdcT, 0, Bme280Compensation.MaxAdc20);
            Assert.InRange(raw.AdcP, 0, Bme280Compensation.MaxAdc20);
            Assert.InRange(raw.AdcH, 0, Bme280Compensation.MaxAdc16);

            int t100 = Bme280Compensation.CompensateT(raw.AdcT, Cal, out int tFine);
            // t_fine moves in steps of ~13 (1/5120 °C each) because adc_T enters as adc_T >> 3.
            Assert.InRange(Bme280Compensation.ToCelsius(tFine) - t, -0.0015, 0.0015);
            Assert.InRange(t100 / 100.0 - t, -0.0066, 0.0066); // 0.005 output rounding + the t_fine step
            // One adc_P code is at most ~0.2 Pa here. The integer humidity formula drops adc_H's LSB
            // ((adc_H << 14) ... >> 15), so its output moves in steps of at most ~0.014 %RH.
            Assert.InRange(Bme280Compensation.CompensateP(raw.AdcP, tFine, Cal) / 256.0 - p, -0.15, 0.15);
            Assert.InRange(Bme280Compensation.CompensateH(raw.AdcH, tFine, Cal) / 1024.0 - h, -0.0075, 0.0075);
        }
    }

    [Theory]
    [InlineData(-40.0)]
    [InlineData(25.0)]
    [InlineData(85.0)]
    public void ForwardFormulasAreMonotonicOverTheAdcRange(double temperature)
    {
        int adcT = Bme280Compensation.Invert(temperature, 50, 100000, Cal).AdcT;
        Bme280Compensation.CompensateT(adcT, Cal, out int tFine);

        long previousT = long.MinValue;
        for (int adc = 0; adc <= Bme280Compensation.MaxAdc20; adc += 7)
        {
            Bme280Compensation.CompensateT(adc, Cal, out int tf);
            Assert.True(tf >= previousT, $"t_fine not monotonic at adc_T {adc}");
            previousT = tf;
        }

        long previousP = long.MaxValue;
        for (int adc = 100_000; adc <= 800_000; adc += 5)
        {
            uint p = Bme280Compensation.CompensateP(adc, tFine, Cal);
            Assert.True(p <= previousP, $"pressure not monotonic at adc_P {adc}");
            previousP = p;
        }

        long previousH = -1;
        for (int adc = 0; adc <= Bme280Compensation.MaxAdc16; adc++)
        {
            uint h = Bme280Compensation.CompensateH(adc, tFine, Cal);
            Assert.True(h >= previousH, $"humidity not monotonic at adc_H {adc}");
            previousH = h;
        }
    }

    [Fact]
    public void InverseClampsToTheEndsOfTheHumidityScale()
    {
        var dry = Bme280Compensation.Invert(25, 0, 100000, Cal);
        var wet = Bme280Compensation.Invert(25, 100, 100000, Cal);
        Bme280Compensation.CompensateT(dry.AdcT, Cal, out int tFine);
        Assert.Equal(0u, Bme280Compensation.CompensateH(dry.AdcH, tFine, Cal));
        Assert.Equal(100u * 1024, Bme280Compensation.CompensateH(wet.AdcH, tFine, Cal));
        Assert.True(Bme280Compensation.CompensateH(wet.AdcH - 1, tFine, Cal) < 100 * 1024);
    }

    [Fact]
    public void DefaultNvmImageFollowsTheDatasheetLayout()
    {
        byte[] low = Cal.ToCalib00To25();
        byte[] high = Cal.ToCalib26To41();
        Assert.Equal(26, low.Length);
        Assert.Equal(16, high.Length);

        Assert.Equal([0x70, 0x6B], low[0..2]);                  // 0x88/0x89 dig_T1 = 27504, LSB first
        Assert.Equal([0x18, 0xFC], low[4..6]);                  // 0x8C/0x8D dig_T3 = -1000
        Assert.Equal([0x70, 0x17], low[(0x9E - 0x88)..(0xA0 - 0x88)]); // 0x9E/0x9F dig_P9 = 6000
        Assert.Equal(0x00, low[0xA0 - 0x88]);                   // reserved
        Assert.Equal(75, low[0xA1 - 0x88]);                     // dig_H1

        Assert.Equal([0x72, 0x01], high[0..2]); // 0xE1/0xE2 dig_H2 = 370
        Assert.Equal(0x00, high[2]);           // 0xE3 dig_H3
        Assert.Equal(0x13, high[3]);           // 0xE4 dig_H4[11:4], 313 = 0x139
        Assert.Equal(0x29, high[4]);           // 0xE5 dig_H5[3:0] << 4 | dig_H4[3:0], 50 = 0x032
        Assert.Equal(0x03, high[5]);           // 0xE6 dig_H5[11:4]
        Assert.Equal(30, high[6]);             // 0xE7 dig_H6
        Assert.All(high[7..], b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public void NvmImageRoundTrips(int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < 200; i++)
        {
            short S16() => (short)random.Next(short.MinValue, short.MaxValue + 1);
            var cal = new Bme280Calibration
            {
                DigT1 = (ushort)random.Next(0, 65536), DigT2 = S16(), DigT3 = S16(),
                DigP1 = (ushort)random.Next(0, 65536), DigP2 = S16(), DigP3 = S16(), DigP4 = S16(),
                DigP5 = S16(), DigP6 = S16(), DigP7 = S16(), DigP8 = S16(), DigP9 = S16(),
                DigH1 = (byte)random.Next(256), DigH2 = S16(), DigH3 = (byte)random.Next(256),
                DigH4 = (short)random.Next(-2048, 2048), DigH5 = (short)random.Next(-2048, 2048),
                DigH6 = (sbyte)random.Next(-128, 128),
            };

            Assert.Equal(cal, Bme280Calibration.FromNvm(cal.ToCalib00To25(), cal.ToCalib26To41()));
        }
    }

    [Theory]
    [InlineData(2048, 0)]
    [InlineData(0, -2049)]
    public void TwelveBitHumidityCoefficientsAreRangeChecked(short h4, short h5)
    {
        var cal = Cal with { DigH4 = h4, DigH5 = h5 };
        Assert.Throws<ArgumentOutOfRangeException>(() => cal.ToCalib26To41());
    }
}
