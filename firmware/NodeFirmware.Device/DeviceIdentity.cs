using System.Net.NetworkInformation;
using NodeFirmware.Core.Provisioning;

namespace NodeFirmware.Device
{
    /// <summary>Who this device is: its base MAC and the provisioning bundle stored on I:\ by the factory.</summary>
    public static class DeviceIdentity
    {
        /// <summary>The station MAC, which on the ESP32 is the base MAC the device id is made from.</summary>
        public static byte[] BaseMac()
        {
            NetworkInterface[] interfaces = NetworkInterface.GetAllNetworkInterfaces();
            return interfaces.Length > 0 ? interfaces[0].PhysicalAddress : null;
        }

        /// <summary>Core's decision on the stored identity: run with the committed bundle, or provisioning mode (empty or corrupt).</summary>
        public static BootIdentity Decide()
        {
            // The file is closed again at once: the Loader and the application each open it, never both at a time.
            var flash = new InternalFlashStorage(DevicePaths.IdentityFile, DevicePaths.StoreSectors * DevicePaths.SectorSize, DevicePaths.SectorSize);
            try
            {
                return BootIdentity.Decide(new IdentityStore(flash, 0), DeviceIdFormat.FromMac(BaseMac()));
            }
            finally
            {
                flash.Dispose();
            }
        }
    }
}
