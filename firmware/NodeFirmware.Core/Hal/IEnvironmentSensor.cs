namespace NodeFirmware.Core.Hal
{
    /// <summary>A temperature/humidity/pressure sensor (BME280 first) read in forced mode.</summary>
    public interface IEnvironmentSensor
    {
        /// <summary>Applies oversampling and filter settings; false (with a fault code) if the sensor did not accept them.</summary>
        bool Configure(SensorSettings settings, out string fault);

        /// <summary>
        /// Runs one forced-mode measurement. On failure returns false and a short fault code
        /// (e.g. "sensor.absent", "sensor.timeout", "sensor.chip-id"); never throws for a sensor fault.
        /// </summary>
        bool TryMeasure(out EnvironmentSample sample, out string fault);
    }
}
