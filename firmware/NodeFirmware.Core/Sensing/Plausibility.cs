using NodeFirmware.Core.Hal;

namespace NodeFirmware.Core.Sensing
{
    /// <summary>The BME280's operating ranges (datasheet, table 1): values outside them are not a measurement.</summary>
    public static class Plausibility
    {
        public const int MinCentiCelsius = -4000;
        public const int MaxCentiCelsius = 8500;
        public const int MinCentiPercentRh = 0;
        public const int MaxCentiPercentRh = 10000;
        public const int MinPascal = 30000;
        public const int MaxPascal = 110000;

        /// <summary>Null when plausible; otherwise which channel is out of range.</summary>
        public static string Check(EnvironmentSample s, bool humidityMeasured, bool pressureMeasured)
        {
            if (s.CentiCelsius < MinCentiCelsius || s.CentiCelsius > MaxCentiCelsius) return "temperature out of range";
            if (humidityMeasured && (s.CentiPercentRh < MinCentiPercentRh || s.CentiPercentRh > MaxCentiPercentRh)) return "humidity out of range";
            if (pressureMeasured && (s.Pascal < MinPascal || s.Pascal > MaxPascal)) return "pressure out of range";
            return null;
        }
    }
}
