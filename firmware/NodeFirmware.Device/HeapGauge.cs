using NodeFirmware.Core.Hal;

namespace NodeFirmware.Device
{
    /// <summary>
    /// Free managed heap from nanoFramework.Runtime.Native.GC.Run, which collects and then answers the free bytes;
    /// Core reads it only at boot, at each connection and for each status, not at every step.
    /// </summary>
    public class HeapGauge : IMemoryGauge
    {
        public long FreeBytes
        {
            get { return nanoFramework.Runtime.Native.GC.Run(false); }
        }
    }
}
