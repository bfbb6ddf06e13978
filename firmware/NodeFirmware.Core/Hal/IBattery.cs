namespace NodeFirmware.Core.Hal
{
    /// <summary>The battery as measured through the board's ADC and divider.</summary>
    public interface IBattery
    {
        /// <summary>Cell voltage in millivolts, or -1 when the board has no battery sense.</summary>
        int Millivolts { get; }
    }
}
