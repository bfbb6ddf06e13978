using System;
using System.Device.I2c;
using System.IO;
using System.Threading;
using Iot.Device.Bmxx80;
using Iot.Device.Bmxx80.FilteringMode;
using Iot.Device.Bmxx80.PowerMode;
using nanoFramework.Hardware.Esp32;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Telemetry;

namespace NodeFirmware.Device
{
    /// <summary>
    /// Core's IEnvironmentSensor over nanoFramework's Iot.Device.Bmxx80 Bme280 driver in forced mode: one
    /// conversion per reading, then the sensor sleeps (0.1 uA). Faults become Core's fault codes, never exceptions.
    /// The virtual node's twin is tools/nodesim/NodeSim/Hardware/Bme280EnvironmentSensor.cs.
    /// It is also the factory self-test's probe (<see cref="TryReadChipId"/>; twin: NodeSim/Hardware/Bme280ChipIdProbe.cs).
    /// </summary>
    public class Bme280Sensor : IEnvironmentSensor, ISensorProbe
    {
        private const byte ChipIdRegister = 0xD0;

        /// <summary>Extra wait after the datasheet's conversion time before the sensor counts as stuck.</summary>
        private const int MeasuringGraceMillis = 50;

        private readonly int _busId;
        private readonly int _address;
        private Bme280 _bme;
        private I2cDevice _device;
        private SensorSettings _settings;

        public Bme280Sensor(BoardPins board)
        {
            _busId = board.I2cBus;
            _address = board.Bme280Address;
            // The ESP32 routes I2C through the GPIO matrix: the bus must be told its pins before it is opened.
            Configuration.SetPinFunction(board.SdaPin, board.I2cBus == 1 ? DeviceFunction.I2C1_DATA : DeviceFunction.I2C2_DATA);
            Configuration.SetPinFunction(board.SclPin, board.I2cBus == 1 ? DeviceFunction.I2C1_CLOCK : DeviceFunction.I2C2_CLOCK);
        }

        public bool Configure(SensorSettings settings, out string fault)
        {
            _settings = settings;
            Close();
            return TryOpen(out fault);
        }

        public bool TryMeasure(out EnvironmentSample sample, out string fault)
        {
            sample = new EnvironmentSample();
            if (_bme == null && !TryOpen(out fault)) return false;
            try
            {
                _bme.SetPowerMode(Bmx280PowerMode.Forced);
                Thread.Sleep(_bme.GetMeasurementDuration());
                int waited = 0;
                while (_bme.ReadStatus().Measuring)
                {
                    if (waited >= MeasuringGraceMillis) { fault = SensorFaultCodes.ToCode(SensorFault.Timeout); return false; }
                    Thread.Sleep(2);
                    waited += 2;
                }
                var result = _bme.Read();
                if (!result.TemperatureIsValid) { fault = SensorFaultCodes.ToCode(SensorFault.Implausible); return false; }
                sample.CentiCelsius = Round(result.Temperature.DegreesCelsius * 100);
                sample.Pascal = _settings.PressureOversampling != 0 && result.PressureIsValid ? Round(result.Pressure.Hectopascals * 100) : 0;
                sample.CentiPercentRh = _settings.HumidityOversampling != 0 && result.HumidityIsValid ? Round(result.Humidity.Percent * 100) : 0;
                fault = null;
                return true;
            }
            catch (Exception)
            {
                // A bus error or a replugged sensor: open and configure it again on the next attempt.
                Close();
                fault = SensorFaultCodes.ToCode(SensorFault.BusError);
                return false;
            }
        }

        /// <summary>
        /// Register 0xD0 in one write-then-read transfer, without the driver (its constructor refuses any id but 0x60, so it
        /// could not say what answered instead). Core's SelfTest judges the id.
        /// </summary>
        public bool TryReadChipId(out int chipId, out string fault)
        {
            chipId = 0;
            I2cDevice device = null;
            try
            {
                device = I2cDevice.Create(new I2cConnectionSettings(_busId, _address));
                var id = new byte[1];
                I2cTransferResult result = device.WriteRead(new byte[] { ChipIdRegister }, id);
                if (result.Status == I2cTransferStatus.SlaveAddressNotAcknowledged)
                {
                    fault = "no acknowledge at I2C address 0x" + _address.ToString("x2");
                    return false;
                }
                if (result.Status != I2cTransferStatus.FullTransfer)
                {
                    fault = "I2C transfer at 0x" + _address.ToString("x2") + " ended with status " + (int)result.Status;
                    return false;
                }
                chipId = id[0];
                fault = null;
                return true;
            }
            finally
            {
                if (device != null) device.Dispose();
            }
        }

        private bool TryOpen(out string fault)
        {
            try
            {
                _device = I2cDevice.Create(new I2cConnectionSettings(_busId, _address));
                var probe = _device.WriteByte(0xD0); // chip-id register: does anything answer at this address?
                if (probe.Status != I2cTransferStatus.FullTransfer)
                {
                    Close();
                    fault = SensorFaultCodes.ToCode(SensorFault.Absent);
                    return false;
                }
                var bme = new Bme280(_device);
                bme.TemperatureSampling = ToSampling(_settings.TemperatureOversampling == 0 ? 1 : _settings.TemperatureOversampling);
                bme.PressureSampling = ToSampling(_settings.PressureOversampling);
                bme.HumiditySampling = ToSampling(_settings.HumidityOversampling);
                bme.FilterMode = ToFilter(_settings.FilterCoefficient);
                _bme = bme;
                fault = null;
                return true;
            }
            catch (IOException)
            {
                // The driver's constructor throws IOException when the chip id is not the BME280's (0x60).
                Close();
                fault = SensorFaultCodes.ToCode(SensorFault.WrongChipId);
                return false;
            }
            catch (Exception)
            {
                Close();
                fault = SensorFaultCodes.ToCode(SensorFault.ConfigurationRejected);
                return false;
            }
        }

        private void Close()
        {
            if (_bme != null) _bme.Dispose();
            else if (_device != null) _device.Dispose();
            _bme = null;
            _device = null;
        }

        private static int Round(double value)
        {
            return (int)(value >= 0 ? value + 0.5 : value - 0.5);
        }

        private static Sampling ToSampling(int oversampling)
        {
            switch (oversampling)
            {
                case 0: return Sampling.Skipped;
                case 1: return Sampling.UltraLowPower;
                case 2: return Sampling.LowPower;
                case 4: return Sampling.Standard;
                case 8: return Sampling.HighResolution;
                case 16: return Sampling.UltraHighResolution;
                default: throw new ArgumentException("oversampling " + oversampling);
            }
        }

        private static Bmx280FilteringMode ToFilter(int coefficient)
        {
            switch (coefficient)
            {
                case 0: return Bmx280FilteringMode.Off;
                case 2: return Bmx280FilteringMode.X2;
                case 4: return Bmx280FilteringMode.X4;
                case 8: return Bmx280FilteringMode.X8;
                case 16: return Bmx280FilteringMode.X16;
                default: throw new ArgumentException("filter " + coefficient);
            }
        }
    }
}
