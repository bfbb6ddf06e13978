namespace NodeFirmware.Core.Hal
{
    /// <summary>BME280 measurement settings; oversampling values are 0 (skipped), 1, 2, 4, 8 or 16.</summary>
    public struct SensorSettings
    {
        public int TemperatureOversampling;
        public int HumidityOversampling;
        public int PressureOversampling;

        /// <summary>IIR filter coefficient: 0 (off), 2, 4, 8 or 16.</summary>
        public int FilterCoefficient;
    }
}
