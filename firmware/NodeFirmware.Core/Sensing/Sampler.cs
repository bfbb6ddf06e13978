using NodeFirmware.Core.Config;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Telemetry;

namespace NodeFirmware.Core.Sensing
{
    /// <summary>
    /// Takes one reading: configures the sensor once per boot, measures in forced mode, checks the
    /// result. A sensor that fails yields a reading with a fault, never an exception.
    /// </summary>
    public class Sampler
    {
        private readonly IEnvironmentSensor _sensor;
        private readonly IBattery _battery;
        private bool _configured;
        private SensorSettings _settings;

        public Sampler(IEnvironmentSensor sensor, IBattery battery)
        {
            _sensor = sensor;
            _battery = battery;
        }

        public void ApplyConfig(DeviceConfig c)
        {
            _settings.TemperatureOversampling = c.TemperatureOversampling;
            _settings.HumidityOversampling = c.HumidityOversampling;
            _settings.PressureOversampling = c.PressureOversampling;
            _settings.FilterCoefficient = c.FilterCoefficient;
            _configured = false;
        }

        public Reading Sample(uint unixTime)
        {
            var reading = new Reading();
            reading.UnixTime = unixTime;
            reading.BatteryMillivolts = _battery.Millivolts;
            reading.Fault = Measure(out reading.Sample);
            return reading;
        }

        private SensorFault Measure(out EnvironmentSample sample)
        {
            sample = new EnvironmentSample();
            string fault;
            try
            {
                if (!_configured)
                {
                    if (!_sensor.Configure(_settings, out fault)) return SensorFaultCodes.FromCode(fault);
                    _configured = true;
                }
                if (!_sensor.TryMeasure(out sample, out fault))
                {
                    _configured = false; // a sensor that was reset or replugged must be configured again
                    return SensorFaultCodes.FromCode(fault);
                }
            }
            catch (System.Exception)
            {
                _configured = false;
                return SensorFault.BusError;
            }
            if (Plausibility.Check(sample, _settings.HumidityOversampling != 0, _settings.PressureOversampling != 0) != null)
                return SensorFault.Implausible;
            return SensorFault.None;
        }
    }
}
