namespace NodeFirmware.Core.Hal
{
    /// <summary>Reads the environment sensor's chip id (the BME280's register 0xD0) for the factory self-test.</summary>
    public interface ISensorProbe
    {
        /// <summary>False, with the reason in <paramref name="fault"/>, when nothing answers on the bus.</summary>
        bool TryReadChipId(out int chipId, out string fault);
    }
}
