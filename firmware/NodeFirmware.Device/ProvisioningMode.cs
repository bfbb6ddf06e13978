using System;
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
    /// A provisioned board opens only the short re-entry window (<see cref="ListenAtBoot"/>).
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
            Console.WriteLine(identity.ConsoleLine() + " on the console UART (" + PortName + " on GPIO" + TxPin + " TX, GPIO" + RxPin + " RX)");
            Configuration.SetPinFunction(TxPin, DeviceFunction.COM2_TX);
            Configuration.SetPinFunction(RxPin, DeviceFunction.COM2_RX);
            InternalFlashStorage flash = OpenIdentity();
            ProvisioningSession session = NewSession(flash, firmwareVersion);
            InternalFlashStorage scratch = EnableSelfTest(session);
            if (corrupt) session.ReportIdentityFault(identity.Fault);
            var port = new SerialPort(PortName, BaudRate);
            port.Open();
            Serve(session, port, flash, scratch, led, corrupt);
        }

        /// <summary>
        /// The re-entry window of a provisioned board at a power-on or reset boot: Core's session over the committed
        /// identity, open as Core's <see cref="ReentryWindow"/> says. Returns true when the node should run (nobody
        /// asked, or only HELLO); after a signed FACTORY_RESET the board stays in provisioning mode and reboots when
        /// nodectl asks, and a REBOOT restarts it, so neither returns.
        /// Only RX is taken from UART0 at first: the console's TX pin moves to COM2 when there is a reply to send, so a
        /// window nobody uses leaves the console output as it was.
        /// </summary>
        public static bool ListenAtBoot(string firmwareVersion, StatusLed led)
        {
            Console.WriteLine("re-entry window: " + ReentryWindow.QuietMillis + " ms for a signed FACTORY_RESET on the console UART (" + PortName + " on GPIO" + RxPin + " RX)");
            Configuration.SetPinFunction(RxPin, DeviceFunction.COM2_RX);
            InternalFlashStorage flash = OpenIdentity();
            ProvisioningSession session = NewSession(flash, firmwareVersion);
            InternalFlashStorage scratch = EnableSelfTest(session);
            var port = new SerialPort(PortName, BaudRate);
            port.Open();
            bool transmitting = false;
            var window = new ReentryWindow(session, Environment.TickCount64);
            var buffer = new byte[256];
            while (true)
            {
                int available = port.BytesToRead;
                if (available > 0)
                {
                    int read = port.Read(buffer, 0, available < buffer.Length ? available : buffer.Length);
                    session.Receive(buffer, 0, read);
                    byte[] reply = session.TakeOutput();
                    if (reply.Length > 0)
                    {
                        if (!transmitting)
                        {
                            // The pin map is applied when a port opens (docs/device-apis.md): reopen with TX routed.
                            port.Close();
                            Configuration.SetPinFunction(TxPin, DeviceFunction.COM2_TX);
                            port = new SerialPort(PortName, BaudRate);
                            port.Open();
                            transmitting = true;
                        }
                        port.Write(reply, 0, reply.Length);
                    }
                }
                else
                {
                    Thread.Sleep(PollMillis);
                }

                ReentryStep step = window.Poll(Environment.TickCount64);
                if (step == ReentryStep.Listen) continue;
                if (step == ReentryStep.Provision)
                {
                    Console.WriteLine("identity erased by a signed factory reset: provisioning mode");
                    Serve(session, port, flash, scratch, led, false);
                    return false;
                }
                port.Close();
                flash.Dispose();
                if (scratch != null) scratch.Dispose();
                if (step == ReentryStep.Reboot)
                {
                    Power.RebootDevice();
                    return false;
                }
                return true;
            }
        }

        /// <summary>
        /// SELF_TEST's hardware (Core's <see cref="SelfTest"/>): the board's BME280, whose chip id <see cref="Bme280Sensor"/>
        /// reads, and a one-sector scratch file on I:\, the file system the journal lives on. Returns the scratch file to
        /// close with the identity's; null when it cannot be opened, and SELF_TEST then answers that there is no self-test.
        /// </summary>
        private static InternalFlashStorage EnableSelfTest(ProvisioningSession session)
        {
            try
            {
                var scratch = new InternalFlashStorage(DevicePaths.SelfTestFile, DevicePaths.SectorSize, DevicePaths.SectorSize);
                session.EnableSelfTest(new Bme280Sensor(BoardPins.Current), scratch);
                return scratch;
            }
            catch (Exception e)
            {
                Console.WriteLine("no self-test this boot: " + e.Message);
                return null;
            }
        }

        private static InternalFlashStorage OpenIdentity()
        {
            return new InternalFlashStorage(DevicePaths.IdentityFile, DevicePaths.StoreSectors * DevicePaths.SectorSize, DevicePaths.SectorSize);
        }

        /// <summary>
        /// A session with this boot's challenge (Core's <see cref="ResetChallenge"/>), or none when the boot counter cannot be
        /// written, and the random source for the key the board makes on GENERATE_KEY: <see cref="RadioEntropy"/>, esp_random()
        /// with the radio running (docs/device-apis.md, "Key entropy").
        /// </summary>
        private static ProvisioningSession NewSession(InternalFlashStorage flash, string firmwareVersion)
        {
            return new ProvisioningSession(new IdentityStore(flash, 0), DeviceIdentity.BaseMac(), firmwareVersion, ProvisioningProtocol.DefaultMaxPayload, Challenge(), new RadioEntropy());
        }

        /// <summary>16 bytes from System.Random (nanoCLR's ESP32 port draws them from esp_random()) mixed with the persisted boot counter.</summary>
        private static byte[] Challenge()
        {
            var random = new byte[FactoryResetAuthorization.NonceSize];
            new Random().NextBytes(random);
            InternalFlashStorage counter = null;
            try
            {
                counter = new InternalFlashStorage(DevicePaths.ChallengeCounterFile, DevicePaths.StoreSectors * DevicePaths.SectorSize, DevicePaths.SectorSize);
                return ResetChallenge.Next(counter, 0, random);
            }
            catch (Exception e)
            {
                // Without a counter the challenge could repeat a past boot's: offer none, so no signed reset is possible this boot.
                Console.WriteLine("no reset challenge this boot: " + e.Message);
                return null;
            }
            finally
            {
                if (counter != null) counter.Dispose();
            }
        }

        /// <summary>Provisioning mode until a REBOOT is answered; then the board restarts.</summary>
        private static void Serve(ProvisioningSession session, SerialPort port, InternalFlashStorage flash, InternalFlashStorage scratch, StatusLed led, bool corrupt)
        {
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
            if (scratch != null) scratch.Dispose();
            Power.RebootDevice();
        }

        private static void ShowState(StatusLed led, bool corrupt)
        {
            if (corrupt) led.Blink(3, 500); // slow: the stored identity is unusable
            else led.Blink(3, 100);         // fast: waiting to be provisioned
        }
    }
}
