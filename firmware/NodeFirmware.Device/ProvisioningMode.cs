using System.IO.Ports;
using System.Threading;
using nanoFramework.Hardware.Esp32;
using nanoFramework.Runtime.Native;
using NodeFirmware.Core.Provisioning;

namespace NodeFirmware.Device
{
    /// <summary>
    /// The factory's side door: Core's provisioning session (docs/formats/provisioning.md) on a UART until
    /// nodectl has stored and committed the identity bundle and asks for a reboot. The factory fixture talks
    /// to COM2 on GPIO16 (RX) / GPIO17 (TX) at 115200 8N1; COM1 stays with nanoFramework's debugger.
    /// Entered with no identity or an unusable one (Core's <see cref="BootIdentity"/>): the reason goes to the
    /// console, the LED repeats its pattern whenever the line is idle, and HELLO reports "corrupt" with the fault.
    /// </summary>
    public static class ProvisioningMode
    {
        public const int RxPin = 16;
        public const int TxPin = 17;
        public const int BaudRate = 115200;

        // A frame that stops arriving half-way is dropped after this long, so a disturbed fixture can start over.
        private const int StallMillis = 2000;
        private const int PollMillis = 5;

        public static void Run(string firmwareVersion, StatusLed led, BootIdentity identity)
        {
            bool corrupt = identity.State == IdentityState.Corrupt;
            System.Console.WriteLine(identity.ConsoleLine() + " on COM2 (GPIO" + RxPin + " RX, GPIO" + TxPin + " TX)");
            Configuration.SetPinFunction(RxPin, DeviceFunction.COM2_RX);
            Configuration.SetPinFunction(TxPin, DeviceFunction.COM2_TX);
            var flash = new InternalFlashStorage(DevicePaths.IdentityFile, DevicePaths.StoreSectors * DevicePaths.SectorSize, DevicePaths.SectorSize);
            var session = new ProvisioningSession(new IdentityStore(flash, 0), DeviceIdentity.BaseMac(), firmwareVersion);
            if (corrupt) session.ReportIdentityFault(identity.Fault);
            var port = new SerialPort("COM2", BaudRate);
            port.Open();
            var buffer = new byte[256];
            int idleMillis = 0;
            ShowState(led, corrupt);
            while (!session.RebootRequested)
            {
                int available = port.BytesToRead;
                if (available == 0)
                {
                    Thread.Sleep(PollMillis);
                    idleMillis += PollMillis;
                    if (idleMillis >= StallMillis)
                    {
                        session.ResetInput();
                        idleMillis = 0;
                        // Only while the line is quiet: a blink blocks this loop for up to 1.5 s.
                        ShowState(led, corrupt && session.State == IdentityState.Corrupt);
                    }
                    continue;
                }
                idleMillis = 0;
                int read = port.Read(buffer, 0, available < buffer.Length ? available : buffer.Length);
                session.Receive(buffer, 0, read);
                byte[] reply = session.TakeOutput();
                if (reply.Length > 0) port.Write(reply, 0, reply.Length);
            }
            port.Close();
            flash.Dispose();
            Power.RebootDevice();
        }

        private static void ShowState(StatusLed led, bool corrupt)
        {
            if (corrupt) led.Blink(3, 500); // slow: the stored identity is unusable
            else led.Blink(3, 100);         // fast: waiting to be provisioned
        }
    }
}
