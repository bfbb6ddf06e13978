using System.Device.I2c;
using Iot.Device.Bmxx80;
using Iot.Device.Bmxx80.FilteringMode;
using Iot.Device.Bmxx80.PowerMode;
using NodeSim.Sensors;
using Xunit.Abstractions;

namespace NodeSim.Tests.Sensors;

/// <summary>Virtual time for the simulated sensor, advanced explicitly by the test.</summary>
internal sealed class VirtualClock
{
    public long NowMs { get; private set; }

    public void Advance(long ms) => NowMs += ms;
}

/// <summary>A simulated BME280 on a simulated bus, plus the raw I2C handle to it.</summary>
internal sealed class Bme280Rig
{
    public const int Address = Bmx280Base.SecondaryI2cAddress; // 0x76

    public Bme280Rig(Bme280Calibration? calibration = null, Bme280Environment? environment = null)
    {
        Sensor = new SimulatedBme280(() => Clock.NowMs, environment, calibration);
        Bus.Attach(Address, Sensor);
        Device = Bus.CreateDevice(Address);
    }

    public VirtualClock Clock { get; } = new();
    public SimulatedI2cBus Bus { get; } = new();
    public SimulatedBme280 Sensor { get; }
    public I2cDevice Device { get; }

    public byte ReadRegister(byte register)
    {
        Span<byte> value = stackalloc byte[1];
        Device.WriteRead([register], value);
        return value[0];
    }

    public byte[] ReadBurst(byte register, int count)
    {
        var buffer = new byte[count];
        Device.WriteRead([register], buffer);
        return buffer;
    }

    public void WriteRegister(byte register, byte value) => Device.Write([register, value]);

    public static int Adc20(byte[] data, int offset) => (data[offset] << 12) | (data[offset + 1] << 4) | (data[offset + 2] >> 4);
}

public class Bme280DriverSweepTests(ITestOutputHelper output)
{
    // Tolerances, against the datasheet's output resolution (table 1/2: T 0.01 °C, RH 0.008 %RH,
    // P 0.18 Pa at 20 bit). The simulator inverts Bosch's integer formulas, the dotnet/iot driver
    // uses the floating-point ones, so the check allows the target-to-nearest-ADC-code step plus the
    // int/float formula difference, i.e. about one output resolution step each.
    private const double TemperatureToleranceC = 0.01;
    private const double HumidityTolerancePercent = 0.01;
    private const double PressureTolerancePa = 1.0;

    public static TheoryData<Sampling, Sampling, Sampling> OversamplingSettings => new()
    {
        // Bosch's "weather monitoring", "indoor navigation" and a middle setting.
        { Sampling.UltraLowPower, Sampling.UltraLowPower, Sampling.UltraLowPower },
        { Sampling.LowPower, Sampling.UltraHighResolution, Sampling.UltraLowPower },
        { Sampling.Standard, Sampling.Standard, Sampling.Standard },
    };

    /// <summary>Corners of the datasheet's operating range plus seeded random points inside it.</summary>
    public static IEnumerable<EnvironmentSample> Environments()
    {
        foreach (double t in new[] { -40.0, 85.0 })
        {
            foreach (double h in new[] { 0.0, 100.0 })
            {
                foreach (double p in new[] { 30000.0, 110000.0 })
                {
                    yield return new EnvironmentSample(t, h, p);
                }
            }
        }

        var random = new Random(280);
        for (int i = 0; i < 52; i++)
        {
            yield return new EnvironmentSample(
                -40 + 125 * random.NextDouble(),
                100 * random.NextDouble(),
                30000 + 80000 * random.NextDouble());
        }
    }

    [Theory]
    [MemberData(nameof(OversamplingSettings))]
    public void DriverReadsEveryEnvironmentWithinResolution(Sampling osT, Sampling osP, Sampling osH)
    {
        var rig = new Bme280Rig();
        using var bme = new Bme280(rig.Device);
        bme.TemperatureSampling = osT;
        bme.PressureSampling = osP;
        bme.HumiditySampling = osH;

        double maxT = 0, maxH = 0, maxP = 0;
        int count = 0;
        foreach (var env in Environments())
        {
            rig.Clock.Advance(1000); // let any conversion still pending from the last Read() finish
            rig.Sensor.Environment.Set(env.TemperatureC, env.HumidityPercent, env.PressurePa, rig.Clock.NowMs);

            bme.SetPowerMode(Bmx280PowerMode.Forced);
            rig.Clock.Advance(bme.GetMeasurementDuration());

            // Read() sees sleep mode, triggers one more forced conversion and sleeps in real time, during
            // which virtual time stands still, so it returns the conversion completed above.
            var result = bme.Read();

            Assert.NotNull(result.Temperature);
            Assert.NotNull(result.Pressure);
            Assert.NotNull(result.Humidity);
            double dT = Math.Abs(result.Temperature.Value.DegreesCelsius - env.TemperatureC);
            double dH = Math.Abs(result.Humidity.Value.Percent - env.HumidityPercent);
            double dP = Math.Abs(result.Pressure.Value.Pascals - env.PressurePa);
            maxT = Math.Max(maxT, dT);
            maxH = Math.Max(maxH, dH);
            maxP = Math.Max(maxP, dP);
            Assert.True(dT <= TemperatureToleranceC, $"T {result.Temperature.Value.DegreesCelsius} vs {env}");
            Assert.True(dH <= HumidityTolerancePercent, $"RH {result.Humidity.Value.Percent} vs {env}");
            Assert.True(dP <= PressureTolerancePa, $"P {result.Pressure.Value.Pascals} vs {env}");
            count++;
        }

        output.WriteLine($"{count} environments, max |dT| {maxT:F5} °C, |dRH| {maxH:F5} %, |dP| {maxP:F4} Pa");
        Assert.True(count >= 50);
    }
}

public class Bme280DeviceBehaviourTests
{
    private static readonly byte[] DataResetValues = [0x80, 0x00, 0x00, 0x80, 0x00, 0x00, 0x80, 0x00];

    // ctrl_meas with osrs_t = x1, osrs_p = x1 and the given mode bits.
    private static byte CtrlMeasX1(byte mode) => (byte)((1 << 5) | (1 << 2) | mode);

    [Fact]
    public void ChipIdReadsBme280Id()
    {
        var rig = new Bme280Rig();
        Assert.Equal(0x60, rig.ReadRegister(Bme280Registers.Id));
        using var bme = new Bme280(rig.Device); // the driver's constructor checks the id as well
    }

    [Fact]
    public void DataRegistersHoldResetValuesBeforeAnyConversion()
    {
        var rig = new Bme280Rig();
        Assert.Equal(DataResetValues, rig.ReadBurst(Bme280Registers.PressMsb, 8));
    }

    [Fact]
    public void BurstReadAutoIncrementsOverTheCalibrationImage()
    {
        var rig = new Bme280Rig();
        Assert.Equal(Bme280Calibration.Default.ToCalib00To25(), rig.ReadBurst(Bme280Registers.Calib00, 26));
        Assert.Equal(Bme280Calibration.Default.ToCalib26To41(), rig.ReadBurst(Bme280Registers.Calib26, 16));

        // Separate single-byte reads continue from where the pointer was left.
        rig.Device.WriteByte(Bme280Registers.Calib00);
        Assert.Equal(0x70, rig.Device.ReadByte()); // dig_T1 = 27504 = 0x6B70, LSB first
        Assert.Equal(0x6B, rig.Device.ReadByte());
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x87)]
    [InlineData(0xA0)]
    [InlineData(0xE8)]
    [InlineData(0xFF)]
    public void ReservedRegistersReadZeroAndIgnoreWrites(byte register)
    {
        var rig = new Bme280Rig();
        rig.WriteRegister(register, 0x5A);
        Assert.Equal(0x00, rig.ReadRegister(register));
    }

    [Fact]
    public void ReadOnlyRegistersIgnoreWrites()
    {
        var rig = new Bme280Rig();
        rig.WriteRegister(Bme280Registers.Id, 0x12);
        rig.WriteRegister(Bme280Registers.Calib00, 0x12);
        rig.WriteRegister(Bme280Registers.PressMsb, 0x12);
        Assert.Equal(0x60, rig.ReadRegister(Bme280Registers.Id));
        Assert.Equal(0x70, rig.ReadRegister(Bme280Registers.Calib00));
        Assert.Equal(0x80, rig.ReadRegister(Bme280Registers.PressMsb));
    }

    [Fact]
    public void MultiByteWriteIsRegisterValuePairs()
    {
        var rig = new Bme280Rig();
        rig.Clock.Advance(10); // past t_startup, so status reads 0
        rig.Device.Write([Bme280Registers.CtrlHum, 0x03, Bme280Registers.Config, 0xA8, Bme280Registers.CtrlMeas, 0x6C]);
        Assert.Equal([0x03, 0x00, 0x6C, 0xA8], rig.ReadBurst(Bme280Registers.CtrlHum, 4));
    }

    [Fact]
    public void SoftResetRestoresDefaults()
    {
        var rig = new Bme280Rig();
        rig.Device.Write([Bme280Registers.CtrlHum, 0x01, Bme280Registers.Config, 0x10, Bme280Registers.CtrlMeas, CtrlMeasX1(Bme280Registers.ModeNormal)]);
        rig.Clock.Advance(100);
        Assert.NotEqual(DataResetValues, rig.ReadBurst(Bme280Registers.PressMsb, 8));

        rig.WriteRegister(Bme280Registers.Reset, 0x55); // anything but 0xB6 is ignored
        Assert.Equal(0x01, rig.ReadRegister(Bme280Registers.CtrlHum));

        rig.WriteRegister(Bme280Registers.Reset, Bme280Registers.ResetCommand);
        Assert.Equal(Bme280Registers.StatusImUpdate, rig.ReadRegister(Bme280Registers.Status)); // NVM copy
        rig.Clock.Advance(1000);
        Assert.Equal([0x00, 0x00, 0x00, 0x00], rig.ReadBurst(Bme280Registers.CtrlHum, 4));
        Assert.Equal(0x00, rig.ReadRegister(Bme280Registers.Reset));
        Assert.Equal(0x60, rig.ReadRegister(Bme280Registers.Id));
        Assert.Equal(DataResetValues, rig.ReadBurst(Bme280Registers.PressMsb, 8));
        Assert.Equal(Bme280Calibration.Default.ToCalib26To41(), rig.ReadBurst(Bme280Registers.Calib26, 16));
    }

    [Fact]
    public void SkippedMeasurementsReturnTheSkipValue()
    {
        var rig = new Bme280Rig();
        rig.WriteRegister(Bme280Registers.CtrlHum, 0x00);
        rig.WriteRegister(Bme280Registers.CtrlMeas, (1 << 5) | Bme280Registers.ModeForced); // T x1, P skipped
        rig.Clock.Advance(20);
        var data = rig.ReadBurst(Bme280Registers.PressMsb, 8);
        Assert.Equal(0x80000, Bme280Rig.Adc20(data, 0));
        Assert.NotEqual(0x80000, Bme280Rig.Adc20(data, 3));
        Assert.Equal(0x8000, (data[6] << 8) | data[7]);
    }

    [Fact]
    public void SkippedSamplingThroughDriverGivesNoValue()
    {
        var rig = new Bme280Rig();
        using var bme = new Bme280(rig.Device);
        bme.PressureSampling = Sampling.Skipped;
        bme.HumiditySampling = Sampling.Skipped;
        bme.SetPowerMode(Bmx280PowerMode.Forced);
        rig.Clock.Advance(bme.GetMeasurementDuration());
        var result = bme.Read();
        Assert.NotNull(result.Temperature);
        Assert.Null(result.Pressure);
        Assert.Null(result.Humidity);
        Assert.Equal(0x80000, Bme280Rig.Adc20(rig.ReadBurst(Bme280Registers.PressMsb, 3), 0));
    }

    [Fact]
    public void CtrlHumTakesEffectOnlyAfterCtrlMeasWrite()
    {
        var rig = new Bme280Rig();
        rig.WriteRegister(Bme280Registers.CtrlMeas, CtrlMeasX1(Bme280Registers.ModeNormal));
        rig.WriteRegister(Bme280Registers.CtrlHum, 0x01);
        Assert.Equal(0x01, rig.ReadRegister(Bme280Registers.CtrlHum));
        rig.Clock.Advance(500);
        Assert.Equal([0x80, 0x00], rig.ReadBurst(Bme280Registers.HumMsb, 2));

        rig.WriteRegister(Bme280Registers.CtrlMeas, CtrlMeasX1(Bme280Registers.ModeNormal));
        rig.Clock.Advance(500);
        Assert.NotEqual([0x80, 0x00], rig.ReadBurst(Bme280Registers.HumMsb, 2));
    }

    [Fact]
    public void MeasuringBitFollowsConversionTime()
    {
        var rig = new Bme280Rig();
        using var bme = new Bme280(rig.Device);
        bme.TemperatureSampling = Sampling.UltraHighResolution;
        bme.PressureSampling = Sampling.UltraHighResolution;
        bme.HumiditySampling = Sampling.UltraHighResolution;
        rig.Clock.Advance(10);
        Assert.False(bme.ReadStatus().Measuring);

        bme.SetPowerMode(Bmx280PowerMode.Forced);
        // t_measure,max = 1.25 + 2.3*16 + (2.3*16 + 0.575) * 2 = 112.8 ms
        double tMeasure = Bme280Timing.MeasureMaxMs(16, 16, 16);
        Assert.Equal(112.8, tMeasure, 6);
        Assert.True(bme.ReadStatus().Measuring);
        Assert.Equal(Bmx280PowerMode.Forced, bme.ReadPowerMode());
        rig.Clock.Advance(112);
        Assert.True(bme.ReadStatus().Measuring);
        Assert.Equal(DataResetValues, rig.ReadBurst(Bme280Registers.PressMsb, 8));

        rig.Clock.Advance(1);
        Assert.False(bme.ReadStatus().Measuring);
        Assert.Equal(Bmx280PowerMode.Sleep, bme.ReadPowerMode()); // forced mode falls back to sleep
        Assert.NotEqual(DataResetValues, rig.ReadBurst(Bme280Registers.PressMsb, 8));
        Assert.Equal(1, rig.Sensor.ConversionCount);

        rig.Clock.Advance(1000);
        Assert.Equal(1, rig.Sensor.ConversionCount);
    }

    [Fact]
    public void NormalModeConvertsPeriodically()
    {
        var rig = new Bme280Rig();
        using var bme = new Bme280(rig.Device);
        bme.StandbyTime = StandbyTime.Ms62_5;
        rig.Sensor.Environment.Set(20, 50, 100000);
        bme.SetPowerMode(Bmx280PowerMode.Normal);

        // x1/x1/x1: t_measure 9.3 ms + t_standby 62.5 ms = 71.8 ms per cycle; conversions end at 9.3 + k*71.8.
        rig.Clock.Advance(1000);
        Assert.Equal(14, rig.Sensor.ConversionCount);
        Assert.Equal(20, bme.Read().Temperature!.Value.DegreesCelsius, 0.01);

        rig.Sensor.Environment.Set(30, 60, 95000, rig.Clock.NowMs);
        rig.Clock.Advance(100);
        var result = bme.Read(); // no forced trigger in normal mode: just reads the latest data
        Assert.Equal(30, result.Temperature!.Value.DegreesCelsius, 0.01);
        Assert.Equal(60, result.Humidity!.Value.Percent, 0.01);
        Assert.Equal(95000, result.Pressure!.Value.Pascals, 1.0);
        Assert.Equal(Bmx280PowerMode.Normal, bme.ReadPowerMode());
    }

    [Fact]
    public void StatusMeasuringTogglesInNormalMode()
    {
        var rig = new Bme280Rig();
        rig.WriteRegister(Bme280Registers.Config, 1 << Bme280Registers.TsbShift); // 62.5 ms
        rig.WriteRegister(Bme280Registers.CtrlMeas, CtrlMeasX1(Bme280Registers.ModeNormal));
        Assert.Equal(Bme280Registers.StatusMeasuring, rig.ReadRegister(Bme280Registers.Status) & Bme280Registers.StatusMeasuring);
        rig.Clock.Advance(10);
        Assert.Equal(0, rig.ReadRegister(Bme280Registers.Status) & Bme280Registers.StatusMeasuring);
        rig.Clock.Advance(65); // next cycle started at 6.9 + 62.5 = 69.4 ms, ends 76.3 ms
        Assert.Equal(Bme280Registers.StatusMeasuring, rig.ReadRegister(Bme280Registers.Status) & Bme280Registers.StatusMeasuring);
    }

    [Fact]
    public void IirFilterSmoothsTemperatureAndPressureButNotHumidity()
    {
        static (double T, double P, int AdcH) StepResponse(Bmx280FilteringMode filter)
        {
            var rig = new Bme280Rig();
            using var bme = new Bme280(rig.Device);
            bme.FilterMode = filter;
            bme.StandbyTime = StandbyTime.Ms0_5;
            rig.Sensor.Environment.Set(20, 40, 100000);
            bme.SetPowerMode(Bmx280PowerMode.Normal);
            rig.Clock.Advance(100);
            rig.Sensor.Environment.Set(30, 60, 90000, rig.Clock.NowMs);
            rig.Clock.Advance(10); // exactly one conversion (9.8 ms cycle) sees the step
            var r = bme.Read();
            var hum = rig.ReadBurst(Bme280Registers.HumMsb, 2);
            return (r.Temperature!.Value.DegreesCelsius, r.Pressure!.Value.Pascals, (hum[0] << 8) | hum[1]);
        }

        int expectedAdcH = Bme280Compensation.Invert(30, 60, 90000, Bme280Calibration.Default).AdcH;
        var off = StepResponse(Bmx280FilteringMode.Off);
        Assert.Equal(30, off.T, 0.01);
        Assert.Equal(90000, off.P, 1.0);
        Assert.Equal(expectedAdcH, off.AdcH);

        var x16 = StepResponse(Bmx280FilteringMode.X16);
        // One step through (old * 15 + new) / 16 moves about 1/16 of the way on the ADC scale.
        Assert.InRange(x16.T, 20.4, 20.9);
        Assert.InRange(x16.P, 100000 - 1000, 100000 - 400);
        Assert.Equal(expectedAdcH, x16.AdcH);
    }

    [Fact]
    public void DriftFollowsVirtualTime()
    {
        var environment = new Bme280Environment(20, 50, 100000) { TemperatureDriftPerSecond = 0.5, PressureDriftPerSecond = -10 };
        var rig = new Bme280Rig(environment: environment);
        rig.WriteRegister(Bme280Registers.CtrlHum, 0x01);
        rig.WriteRegister(Bme280Registers.CtrlMeas, CtrlMeasX1(Bme280Registers.ModeNormal));
        rig.Clock.Advance(60_000);
        using var bme = new Bme280(rig.Device); // construction resets the part; set it running again
        bme.SetPowerMode(Bmx280PowerMode.Normal);
        rig.Clock.Advance(20);
        var r = bme.Read();
        // The conversion ended at 60 s + 6.9 ms after construction; drift over that is 30 °C / -600 Pa.
        Assert.Equal(50, r.Temperature!.Value.DegreesCelsius, 0.02);
        Assert.Equal(99400, r.Pressure!.Value.Pascals, 1.0);
    }

    [Fact]
    public void NoiseIsSeededAndReducedByOversampling()
    {
        static double[] Temperatures(Sampling sampling, int seed)
        {
            var environment = new Bme280Environment(25, 50, 100000, seed) { TemperatureNoiseSigma = 0.2 };
            var rig = new Bme280Rig(environment: environment);
            using var bme = new Bme280(rig.Device);
            bme.TemperatureSampling = sampling;
            var values = new double[200];
            for (int i = 0; i < values.Length; i++)
            {
                rig.Clock.Advance(200);
                bme.SetPowerMode(Bmx280PowerMode.Forced);
                rig.Clock.Advance(bme.GetMeasurementDuration());
                bme.TryReadTemperature(out var t);
                values[i] = t.DegreesCelsius;
            }

            return values;
        }

        static double StdDev(double[] v)
        {
            double mean = v.Average();
            return Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
        }

        Assert.Equal(Temperatures(Sampling.UltraLowPower, 7), Temperatures(Sampling.UltraLowPower, 7));
        double sd1 = StdDev(Temperatures(Sampling.UltraLowPower, 7));
        double sd16 = StdDev(Temperatures(Sampling.UltraHighResolution, 7));
        Assert.InRange(sd1, 0.15, 0.25);
        Assert.InRange(sd16, 0.03, 0.07); // 0.2 / sqrt(16)
    }

    [Fact]
    public void BurstReadOfDataRegistersIsOneConversion()
    {
        // Every clock query costs 1 ms, as if bus transfers took time, and the air warms 50 °C/s,
        // so conversions (9.8 ms apart) end while bursts are in flight. Bytes from two different
        // conversions would pair one conversion's t_fine with the other's adc_P/adc_H.
        long ticks = 0;
        var environment = new Bme280Environment(0, 50, 100000) { TemperatureDriftPerSecond = 50 };
        var sensor = new SimulatedBme280(() => ticks++, environment);
        var bus = new SimulatedI2cBus();
        bus.Attach(0x77, sensor);
        var device = bus.CreateDevice(0x77);
        device.Write([Bme280Registers.CtrlHum, 0x01, Bme280Registers.Config, 0x00, Bme280Registers.CtrlMeas, CtrlMeasX1(Bme280Registers.ModeNormal)]);

        var cal = Bme280Calibration.Default;
        var data = new byte[8];
        int checkedBursts = 0;
        for (int i = 0; i < 300; i++)
        {
            device.WriteByte(Bme280Registers.PressMsb);
            device.Read(data);
            if (data.AsSpan().SequenceEqual(DataResetValues))
            {
                continue;
            }

            Bme280Compensation.CompensateT(Bme280Rig.Adc20(data, 3), cal, out int tFine);
            double p = Bme280Compensation.CompensateP(Bme280Rig.Adc20(data, 0), tFine, cal) / 256.0;
            double h = Bme280Compensation.CompensateH((data[6] << 8) | data[7], tFine, cal) / 1024.0;
            Assert.Equal(100000, p, 0.5);
            Assert.Equal(50, h, 0.01);
            checkedBursts++;
        }

        Assert.True(sensor.ConversionCount > 50);
        Assert.True(checkedBursts > 250);
    }

    [Fact]
    public void UnknownAddressNacks()
    {
        var rig = new Bme280Rig();
        var absent = rig.Bus.CreateDevice(Bmx280Base.DefaultI2cAddress); // 0x77, nothing there
        Assert.Throws<IOException>(() => absent.ReadByte());
        Assert.Throws<IOException>(() => absent.WriteByte(Bme280Registers.Id));
        Assert.Throws<IOException>(() => new Bme280(absent));

        rig.Bus.RemoveDevice(Bme280Rig.Address);
        Assert.Throws<IOException>(() => rig.ReadRegister(Bme280Registers.Id));
    }
}
