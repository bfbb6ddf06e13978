namespace NodeFirmware.Core.Sensing
{
    /// <summary>
    /// Battery voltage from raw ADC counts: the average of the samples scaled to the pin voltage at full
    /// scale, times the board's divider ratio (permille: 2000 = a 2:1 divider).
    /// </summary>
    public static class BatteryVoltage
    {
        public static int FromAdc(long sumOfCounts, int samples, int maxCount, int fullScaleMillivolts, int dividerPermille)
        {
            if (samples <= 0 || maxCount <= 0) return -1;
            long pinMillivolts = sumOfCounts * fullScaleMillivolts / ((long)samples * maxCount);
            return (int)(pinMillivolts * dividerPermille / 1000);
        }
    }
}
