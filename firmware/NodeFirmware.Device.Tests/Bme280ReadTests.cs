using System.Diagnostics;
using nanoFramework.TestFramework;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Sensing;
using NodeFirmware.Device;

namespace NodeFirmware.Device.Tests
{
    /// <summary>The BME280 on the board's I2C pins, read through the Device adapter as the application reads it.</summary>
    [TestClass]
    public class Bme280ReadTests
    {
        private static SensorSettings AllChannelsTimesOne()
        {
            var s = new SensorSettings();
            s.TemperatureOversampling = 1;
            s.HumidityOversampling = 1;
            s.PressureOversampling = 1;
            s.FilterCoefficient = 0;
            return s;
        }

        [TestMethod]
        public void A_forced_reading_is_plausible()
        {
            var sensor = new Bme280Sensor(BoardPins.Current);
            string fault;
            Assert.IsTrue(sensor.Configure(AllChannelsTimesOne(), out fault), "configure failed: " + fault);

            EnvironmentSample sample;
            Assert.IsTrue(sensor.TryMeasure(out sample, out fault), "measure failed: " + fault);
            Debug.WriteLine("BME280: " + sample.CentiCelsius + " cC, " + sample.CentiPercentRh + " c%RH, " + sample.Pascal + " Pa");

            // Core's own plausibility rule, plus what a bench or field rig can actually see indoors or out.
            Assert.IsNull(Plausibility.Check(sample, true, true));
            Assert.IsTrue(sample.Pascal > 0, "pressure was measured but reads 0");
            Assert.IsTrue(sample.CentiPercentRh > 0, "humidity was measured but reads 0 (a BMP280 answering instead of a BME280?)");
        }

        [TestMethod]
        public void The_self_test_probe_reads_the_BME280_chip_id_and_leaves_the_sensor_usable()
        {
            var sensor = new Bme280Sensor(BoardPins.Current);
            int chipId;
            string fault;
            Assert.IsTrue(sensor.TryReadChipId(out chipId, out fault), "no chip id: " + fault);
            Assert.AreEqual(0x60, chipId, "register 0xD0 of the part on the bus");
            Assert.IsTrue(sensor.Configure(AllChannelsTimesOne(), out fault), "configure after the probe failed: " + fault);
            EnvironmentSample sample;
            Assert.IsTrue(sensor.TryMeasure(out sample, out fault), "measure after the probe failed: " + fault);
        }

        [TestMethod]
        public void Consecutive_readings_agree()
        {
            var sensor = new Bme280Sensor(BoardPins.Current);
            string fault;
            Assert.IsTrue(sensor.Configure(AllChannelsTimesOne(), out fault), "configure failed: " + fault);
            EnvironmentSample a;
            EnvironmentSample b;
            Assert.IsTrue(sensor.TryMeasure(out a, out fault), fault);
            Assert.IsTrue(sensor.TryMeasure(out b, out fault), fault);
            // Forced mode really converts each time: two readings a moment apart differ by little, and not by a stale 0.
            Assert.IsTrue(Abs(a.CentiCelsius - b.CentiCelsius) < 100, "temperature jumped by more than 1 degree between readings");
            Assert.IsTrue(Abs(a.Pascal - b.Pascal) < 100, "pressure jumped by more than 1 hPa between readings");
        }

        [TestMethod]
        public void Skipped_channels_read_as_zero()
        {
            var sensor = new Bme280Sensor(BoardPins.Current);
            var settings = AllChannelsTimesOne();
            settings.HumidityOversampling = 0;
            settings.PressureOversampling = 0;
            string fault;
            Assert.IsTrue(sensor.Configure(settings, out fault), fault);
            EnvironmentSample sample;
            Assert.IsTrue(sensor.TryMeasure(out sample, out fault), fault);
            Assert.AreEqual(0, sample.Pascal);
            Assert.AreEqual(0, sample.CentiPercentRh);
            Assert.IsNull(Plausibility.Check(sample, false, false));
        }

        private static int Abs(int v)
        {
            return v < 0 ? -v : v;
        }
    }
}
