using static NodeSim.Sensors.Bme280Registers;

namespace NodeSim.Sensors;

/// <summary>
/// A BME280 at register level: power-on/soft reset, sleep/forced/normal modes, oversampling,
/// measurement timing against a virtual clock, IIR filter and shadowed data registers.
/// </summary>
public sealed class SimulatedBme280 : II2cTarget
{
    // Bounded catch-up when a long gap passes in normal mode; far older cycles cannot affect the
    // IIR state any more ((15/16)^256 < 1e-7).
    private const int MaxCatchUpCycles = 256;

    private readonly Func<long> _clockMs;
    private readonly byte[] _registers = new byte[256];
    private readonly Bme280IirFilter _filter = new();
    private byte _pointer;
    private byte _latchedOsrsH;
    private double _resetAtMs;
    private Mode _mode;
    private Conversion? _conversion;
    private double _nextNormalStartMs;
    private int _conversionCount;
    private readonly byte _chipId;

    /// <param name="chipId">
    /// What register 0xD0 answers: 0x60 for a BME280. A board fitted with a look-alike part (a BMP280, 0x58) is this
    /// simulator with its id; only the id differs, which is what drivers and the factory self-test look at first.
    /// </param>
    public SimulatedBme280(Func<long> clockMs, Bme280Environment? environment = null, Bme280Calibration? calibration = null, byte chipId = ChipIdValue)
    {
        _clockMs = clockMs;
        _chipId = chipId;
        Environment = environment ?? new Bme280Environment();
        Calibration = calibration ?? Bme280Calibration.Default;
        Environment.Changing += () => Advance();
        PowerOnReset();
    }

    private enum Mode { Sleep, Forced, Normal }

    public Bme280Environment Environment { get; }

    public Bme280Calibration Calibration { get; }

    /// <summary>Number of conversions completed since power-on.</summary>
    public int ConversionCount
    {
        get
        {
            Advance();
            return _conversionCount;
        }
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        Advance();

        // I2C writes are register/value pairs; a lone trailing byte only moves the pointer.
        int i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            _pointer = data[i];
            WriteRegister(data[i], data[i + 1]);
        }

        if (i < data.Length)
        {
            _pointer = data[i];
        }
    }

    public void Read(Span<byte> buffer)
    {
        // Time is sampled once per transaction, so a burst sees one consistent register image.
        double now = Advance();
        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] = ReadRegister(_pointer, now);
            _pointer++;
        }
    }

    /// <summary>Restores the power-on state, as a soft reset (0xE0 = 0xB6) does.</summary>
    public void PowerOnReset()
    {
        Array.Clear(_registers);
        _registers[Id] = _chipId;
        Calibration.ToCalib00To25().CopyTo(_registers, Calib00);
        Calibration.ToCalib26To41().CopyTo(_registers, Calib26);
        StoreData(SkippedTP, SkippedTP, SkippedH);
        _filter.Reset();
        _latchedOsrsH = 0;
        _mode = Mode.Sleep;
        _conversion = null;
        _resetAtMs = _clockMs();
    }

    private double Advance()
    {
        double now = _clockMs();
        while (true)
        {
            if (_conversion is { } running && now >= running.EndMs)
            {
                Complete(running);
                _conversion = null;
                if (_mode == Mode.Forced)
                {
                    _mode = Mode.Sleep;
                    _registers[CtrlMeas] &= unchecked((byte)~ModeMask);
                }
                else if (_mode == Mode.Normal)
                {
                    _nextNormalStartMs = running.EndMs + StandbyMs((_registers[Config] >> TsbShift) & 0b111);
                }
            }
            else if (_conversion is null && _mode == Mode.Normal && now >= _nextNormalStartMs)
            {
                SkipStaleCycles(now);
                _conversion = StartConversion(_nextNormalStartMs);
            }
            else
            {
                return now;
            }
        }
    }

    private void SkipStaleCycles(double now)
    {
        double period = CurrentMeasureMs() + StandbyMs((_registers[Config] >> TsbShift) & 0b111);
        double behind = Math.Floor((now - _nextNormalStartMs) / period);
        if (behind > MaxCatchUpCycles)
        {
            _nextNormalStartMs += (behind - MaxCatchUpCycles) * period;
        }
    }

    private (int T, int P, int H) CurrentOversampling()
    {
        byte ctrlMeas = _registers[CtrlMeas];
        return (
            OversamplingFactor((ctrlMeas >> OsrsTShift) & OsrsMask),
            OversamplingFactor((ctrlMeas >> OsrsPShift) & OsrsMask),
            OversamplingFactor(_latchedOsrsH));
    }

    private double CurrentMeasureMs()
    {
        var os = CurrentOversampling();
        return Bme280Timing.MeasureMaxMs(os.T, os.P, os.H);
    }

    private Conversion StartConversion(double startMs)
    {
        var os = CurrentOversampling();
        return new Conversion(startMs + CurrentMeasureMs(), os.T, os.P, os.H);
    }

    private void Complete(Conversion c)
    {
        // Oversampling averages several noisy samples of the air; the ADC sees them at the end of the conversion.
        int nT = Math.Max(1, c.OsT), nP = Math.Max(1, c.OsP), nH = Math.Max(1, c.OsH);
        double t = 0, h = 0, p = 0;
        for (int i = 0; i < Math.Max(nT, Math.Max(nP, nH)); i++)
        {
            var s = Environment.Sample(c.EndMs);
            t += i < nT ? s.TemperatureC : 0;
            p += i < nP ? s.PressurePa : 0;
            h += i < nH ? s.HumidityPercent : 0;
        }

        var raw = Bme280Compensation.Invert(t / nT, h / nH, p / nP, Calibration);
        var (adcT, adcP) = _filter.Apply(raw.AdcT, raw.AdcP, FilterCoefficient((_registers[Config] >> FilterShift) & 0b111));
        StoreData(
            c.OsT > 0 ? adcT : SkippedTP,
            c.OsP > 0 ? adcP : SkippedTP,
            c.OsH > 0 ? raw.AdcH : SkippedH);
        _conversionCount++;
    }

    private void StoreData(int adcT, int adcP, int adcH)
    {
        Store20(PressMsb, adcP);
        Store20(TempMsb, adcT);
        _registers[HumMsb] = (byte)(adcH >> 8);
        _registers[HumLsb] = (byte)adcH;
    }

    private void Store20(byte msb, int value)
    {
        _registers[msb] = (byte)(value >> 12);
        _registers[msb + 1] = (byte)(value >> 4);
        _registers[msb + 2] = (byte)((value & 0x0F) << 4);
    }

    private byte ReadRegister(byte address, double now)
    {
        if (address == Status)
        {
            byte status = 0;
            if (_conversion is not null)
            {
                status |= StatusMeasuring;
            }

            if (now < _resetAtMs + Bme280Timing.StartupMs)
            {
                status |= StatusImUpdate;
            }

            return status;
        }

        return _registers[address];
    }

    private void WriteRegister(byte address, byte value)
    {
        switch (address)
        {
            case Reset when value == ResetCommand:
                PowerOnReset();
                break;
            case CtrlHum:
                _registers[CtrlHum] = (byte)(value & OsrsHMask);
                break;
            case CtrlMeas:
                WriteCtrlMeas(value);
                break;
            case Config:
                _registers[Config] = (byte)(value & ConfigMask);
                break;
            default:
                break; // read-only and reserved registers ignore writes
        }
    }

    private void WriteCtrlMeas(byte value)
    {
        _registers[CtrlMeas] = value;

        // ctrl_hum only becomes effective after a write to ctrl_meas (datasheet 5.4.3).
        _latchedOsrsH = _registers[CtrlHum];

        switch (value & ModeMask)
        {
            case ModeSleep:
                _mode = Mode.Sleep;
                _conversion = null;
                break;
            case ModeNormal:
                if (_mode != Mode.Normal)
                {
                    _mode = Mode.Normal;
                    _nextNormalStartMs = _clockMs();
                    _conversion ??= StartConversion(_nextNormalStartMs);
                }

                break;
            default:
                // Forced: a conversion already running is not restarted.
                _mode = Mode.Forced;
                _conversion ??= StartConversion(_clockMs());
                break;
        }
    }

    private readonly record struct Conversion(double EndMs, int OsT, int OsP, int OsH);
}
