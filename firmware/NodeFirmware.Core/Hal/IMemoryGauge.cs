namespace NodeFirmware.Core.Hal
{
    /// <summary>How much of the managed heap is free. Optional: a platform without one leaves the heap vital out.</summary>
    public interface IMemoryGauge
    {
        /// <summary>Free heap in bytes, read now.</summary>
        long FreeBytes { get; }
    }
}
