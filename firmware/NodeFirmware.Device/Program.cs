using System;
using NodeFirmware.Core.Config;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Node;
using NodeFirmware.Core.Ota;
using NodeFirmware.Core.Provisioning;

namespace NodeFirmware.Device
{
    /// <summary>
    /// Wires Core to the device's adapters and runs the host loop. Started by the Loader through
    /// <see cref="Run"/>; <see cref="Main"/> is for deploying the application alone from Visual Studio while
    /// developing (no Loader, no slots: it runs as a confirmed "slot A").
    /// </summary>
    public static class Program
    {
        /// <summary>Reported when no Loader started the application.</summary>
        public const int NoLoader = 0;

        public static void Main()
        {
            Run(NoLoader);
        }

        /// <summary>The entry point the Loader invokes after loading this assembly from a slot.</summary>
        public static void Run(int loaderVersion)
        {
            WakeCause wake = DeepSleep.WakeCauseNow();
            BoardPins board = BoardPins.Current;
            var led = new StatusLed(board.LedPin);

            var bootStore = new BootStateStore(OpenStore(DevicePaths.BootStateFile), 0);
            BootState boot = bootStore.Load();
            int slot = boot != null ? boot.RunningSlot : SlotLayout.SlotA;
            bool trial = boot != null && boot.TrialSlot == slot;
            string version = boot != null && boot.Versions[slot].Length > 0 ? boot.Versions[slot] : "0.0.0+0";

            // No identity, or one the device cannot use: report it and wait for the factory fixture on the
            // provisioning UART, which reboots us when done. Nothing here may throw: it would repeat on every boot.
            TlsCredentials credentials = null;
            BootIdentity stored = DeviceIdentity.Decide();
            if (stored.RunsNode)
            {
                try
                {
                    credentials = TlsCredentials.Load(stored.Bundle);
                }
                catch (Exception e)
                {
                    stored = BootIdentity.Refused(e.Message);
                }
            }
            if (!stored.RunsNode)
            {
                ProvisioningMode.Run(version, led, stored);
                return;
            }
            // The boot line a factory station reads after its reset ("identity ok: <id>"): nodectl tells the operator
            // the board is provisioned already instead of waiting for provisioning answers (docs/provisioning.md).
            Console.WriteLine(stored.ConsoleLine());
            // A provisioned board listens briefly for a signed FACTORY_RESET after a power-on or reset (docs/provisioning.md,
            // "Re-provisioning and revocation"); not after a deep-sleep wake, where it would cost every measurement
            // 1.5 s awake, nor when deployed from Visual Studio without the Loader, whose debugger needs UART0's RX.
            if (loaderVersion != NoLoader && ReentryWindow.OpensOn(wake) && !ProvisioningMode.ListenAtBoot(version, led)) return;
            ProvisioningBundle bundle = stored.Bundle;

            var clock = new DeviceClock();
            var storage = new InternalFlashStorage(DevicePaths.DataFile, DevicePaths.DataSectors * DevicePaths.SectorSize, DevicePaths.SectorSize);
            var sensor = new Bme280Sensor(board);
            var battery = new BatteryAdc(board.BatteryAdcChannel, board.BatteryDividerPermille);
            var platform = new NodePlatform(clock, storage, sensor, battery, new Random());
            platform.Memory = new HeapGauge();


            var identity = new NodeIdentity(bundle.DeviceId, version, SlotLayout.SlotName(slot), trial);
            var app = new NodeApp(platform, identity, Defaults(bundle));

            var ota = new OtaClientSettings();
            ota.DeviceId = bundle.DeviceId;
            ota.Board = board.Name;
            ota.LoaderVersion = loaderVersion;
            ota.RunningVersion = version;
            ota.ReleasePublicKey = bundle.ReleasePublicKey;
            string policyProblem;
            ota.Rollback = RollbackPolicyFile.Load(out policyProblem);
            if (policyProblem != null) Console.WriteLine("rollback policy: " + policyProblem);
            app.AddExtension(new OtaClient(ota, new SlotStorage(DevicePaths.SlotParent), bootStore, OpenStore(DevicePaths.OtaCursorFile), clock));

            app.Boot(wake);
            var wifi = new WifiLink(bundle.WifiSsid, bundle.WifiPassphrase, clock);
            var mqtt = new MqttLink(bundle.BrokerHost, bundle.BrokerPort, credentials);
            new AppHost(app, wifi, mqtt).Run();
        }

        /// <summary>Core's defaults with the factory's overrides from the bundle applied (a bad override is ignored).</summary>
        private static DeviceConfig Defaults(ProvisioningBundle bundle)
        {
            var defaults = new DeviceConfig();
            if (bundle.ConfigOverrides == null) return defaults;
            string reason;
            DeviceConfig applied = ConfigCodec.Apply(defaults, bundle.ConfigOverrides, out reason);
            if (applied == null) Console.WriteLine("factory configuration refused: " + reason);
            return applied ?? defaults;
        }

        private static InternalFlashStorage OpenStore(string path)
        {
            return new InternalFlashStorage(path, DevicePaths.StoreSectors * DevicePaths.SectorSize, DevicePaths.SectorSize);
        }
    }
}
