namespace NodeFirmware.Core.Hal
{
    /// <summary>One compensated measurement. Fixed-point so the firmware needs no floating-point formatting.</summary>
    public struct EnvironmentSample
    {
        /// <summary>Temperature in hundredths of a degree Celsius (2131 = 21.31 °C).</summary>
        public int CentiCelsius;

        /// <summary>Relative humidity in hundredths of a percent (4520 = 45.20 %RH).</summary>
        public int CentiPercentRh;

        /// <summary>Pressure in pascal (101325 = 1013.25 hPa).</summary>
        public int Pascal;
    }
}
