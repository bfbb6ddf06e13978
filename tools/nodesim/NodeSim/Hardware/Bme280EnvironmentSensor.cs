using System.Device.I2c;
using Iot.Device.Bmxx80;
using Iot.Device.Bmxx80.FilteringMode;
using Iot.Device.Bmxx80.PowerMode;
using NodeFirmware.Core.Hal;

namespace NodeSim.Hardware;

/// <summary>
/// Core's sensor interface over dotnet/iot's BME280 driver, the twin of the device's adapter over
/// nanoFramework's Bmxx80 (same API): forced mode, configured oversampling, and a wait for the
/// conversion that on the virtual node advances the node's clock instead of blocking.
/// </summary>
public sealed class Bme280EnvironmentSensor : IEnvironmentSensor, IDisposable
{
    private readonly Func<I2cDevice> _open;
    private readonly Action<int> _wait;
    private Bme280? _bme;
    private SensorSettings _settings;

    public Bme280EnvironmentSensor(Func<I2cDevice> open, Action<int> waitMilliseconds)
    {
        _open = open;
        _wait = waitMilliseconds;
    }

    public bool Configure(SensorSettings settings, out string fault)
    {
        _settings = settings;
        _bme?.Dispose();
        _bme = null;
        return TryOpen(out fault);
    }

    public bool TryMeasure(out EnvironmentSample sample, out string fault)
    {
        sample = default;
        if (_bme == null && !TryOpen(out fault)) return false;
        try
        {
            _bme!.SetPowerMode(Bmx280PowerMode.Forced);
            _wait(_bme.GetMeasurementDuration());
            if (!_bme.TryReadTemperature(out var t)) { fault = "temperature skipped"; return false; }
            _bme.TryReadPressure(out var p);
            _bme.TryReadHumidity(out var h);
            sample.CentiCelsius = (int)Math.Round(t.DegreesCelsius * 100);
            sample.Pascal = _settings.PressureOversampling == 0 ? 0 : (int)Math.Round(p.Pascals);
            sample.CentiPercentRh = _settings.HumidityOversampling == 0 ? 0 : (int)Math.Round(h.Percent * 100);
            fault = null!;
            return true;
        }
        catch (IOException e)
        {
            _bme?.Dispose();
            _bme = null; // re-initialise on the next attempt, as after a bus error on the device
            fault = "i2c: " + e.Message;
            return false;
        }
    }

    private bool TryOpen(out string fault)
    {
        try
        {
            var bme = new Bme280(_open());
            bme.TemperatureSampling = ToSampling(_settings.TemperatureOversampling == 0 ? 1 : _settings.TemperatureOversampling);
            bme.PressureSampling = ToSampling(_settings.PressureOversampling);
            bme.HumiditySampling = ToSampling(_settings.HumidityOversampling);
            bme.FilterMode = ToFilter(_settings.FilterCoefficient);
            _bme = bme;
            fault = null!;
            return true;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            fault = "bme280 not answering: " + e.Message;
            return false;
        }
    }

    private static Sampling ToSampling(int oversampling) => oversampling switch
    {
        0 => Sampling.Skipped,
        1 => Sampling.UltraLowPower,
        2 => Sampling.LowPower,
        4 => Sampling.Standard,
        8 => Sampling.HighResolution,
        16 => Sampling.UltraHighResolution,
        _ => throw new ArgumentOutOfRangeException(nameof(oversampling)),
    };

    private static Bmx280FilteringMode ToFilter(int coefficient) => coefficient switch
    {
        0 => Bmx280FilteringMode.Off,
        2 => Bmx280FilteringMode.X2,
        4 => Bmx280FilteringMode.X4,
        8 => Bmx280FilteringMode.X8,
        16 => Bmx280FilteringMode.X16,
        _ => throw new ArgumentOutOfRangeException(nameof(coefficient)),
    };

    public void Dispose() => _bme?.Dispose();
}
