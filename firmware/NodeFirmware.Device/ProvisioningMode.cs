using System.IO.Ports;
using System.Threading;
using nanoFramework.Hardware.Esp32;
using nanoFramework.Runtime.Native;
using NodeFirmware.Core.Provisioning;

namespace NodeFirmware.Device
{
    /// <summary>
    /// The factory's side door: Core's provisioning session (docs/formats/provisioning.md) on a UART until
    /// nodectl has stored and committed the identity bundle and asks for a reboot. The factory fixture has one
    /// USB cable, to the console UART's pins (GPIO1 TX, GPIO3 RX, the DevKit's USB bridge), at 115200 8N1.
    /// nanoCLR keeps UART0 (COM1) for its debugger and refuses to open it, so COM2 (UART1) is routed onto those
    /// pins through the GPIO matrix: the debugger is cut off until the reboot that ends this mode. ROM and
    /// bootloader boot text still comes out on UART0 before nanoCLR starts. (docs/device-apis.md, "Provisioning UART")
    /// Entered with no identity or an unusable one (Core's <see cref="BootIdentity"/>): the reason goes to the
    /// console, the LED repeats its pattern whenever the line is idle, and HELLO reports "corrupt" with the fault.
    /// </summary>
    public static class ProvisioningMode
    {
        // The ESP32's UART0 pins (IO_MUX U0TXD/U0RXD), wired to the USB-serial bridge on the DevKitC and FireBeetle.
        public const int TxPin = 1;
        public const int RxPin = 3;
        public const string PortName = "COM2";
        public const int BaudRate = 115200;

        // A frame that stops arriving half-way is dropped after this long, so a disturbed fixture can start over.
        private const int StallMillis = 2000;
        private const int PollMillis = 5;

        public static void Run(string firmwareVersion, StatusLed led, BootIdentity identity)
        {
            bool corrupt = identity.State == IdentityState.Corrupt;
            // Said before the pins move: after that the console UART speaks only the provisioning protocol.
            System.Console.WriteLine(identity.ConsoleLine() + " on the console UART (" + PortName + " on GPIO" + TxPin + " TX, GPIO" + RxPin + " RX)");
            Configuration.SetPinFunction(TxPin, DeviceFunction.COM2_TX);
            Configuration.SetPinFunction(RxPin, DeviceFunction.COM2_RX);
            var flash = new InternalFlashStorage(DevicePaths.IdentityFile, DevicePaths.StoreSectors * DevicePaths.SectorSize, DevicePaths.SectorSize);
            var session = new ProvisioningSession(new IdentityStore(flash, 0), DeviceIdentity.BaseMac(), firmwareVersion);
            if (corrupt) session.ReportIdentityFault(identity.Fault);
            var port = new SerialPort(PortName, BaudRate);
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
