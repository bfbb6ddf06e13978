using System;
using nanoFramework.Runtime.Native;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Ota;
using NodeFirmware.Core.Provisioning;
using NodeFirmware.Device;

namespace NodeFirmware.Loader
{
    /// <summary>
    /// The application nanoCLR starts from the deployment area. On every boot: read the boot state, let Core's
    /// SlotSelector pick (and persist) the slot, load it, run it. Policy: bootloader-config/boot-policy.md.
    /// </summary>
    public static class Program
    {
        /// <summary>How long a node with nothing to run sleeps between attempts (a serial recovery can wake it by reset).</summary>
        private const long NothingToRunSleepMillis = 3600000;

        public static void Main()
        {
            BoardPins board = BoardPins.Current;
            var led = new StatusLed(board.LedPin);
            // Without a usable identity there is no release key to verify slots with: provisioning mode here,
            // which reboots into the Loader once the factory fixture has committed a bundle.
            BootIdentity identity = DeviceIdentity.Decide();
            if (!identity.RunsNode)
            {
                Console.WriteLine("loader: no usable identity");
                ProvisioningMode.Run("loader-" + LoaderVersion.Value, led, identity);
                return;
            }
            ProvisioningBundle bundle = identity.Bundle;

            var slots = new SlotStorage(DevicePaths.SlotParent);
            SlotDecision decision = Decide(slots, bundle, board);
            Console.WriteLine("loader " + LoaderVersion.Value + ": " + decision.Log);
            if (decision.Slot == BootState.NoSlot)
            {
                NothingToRun(led);
                return;
            }

            try
            {
                AppLauncher.Launch(slots, decision.Slot, decision.Manifest, LoaderVersion.Value);
                Console.WriteLine("loader: the application returned; rebooting");
            }
            catch (Exception e)
            {
                // The attempt is already on flash: a trial that keeps failing here is reverted after its attempts.
                Console.WriteLine("loader: slot " + SlotLayout.SlotName(decision.Slot) + " failed: " + e.Message);
            }
            Power.RebootDevice();
        }

        private static SlotDecision Decide(SlotStorage slots, ProvisioningBundle bundle, BoardPins board)
        {
            // Closed before the application starts: it opens the same file for its OTA client.
            var bootFlash = new InternalFlashStorage(DevicePaths.BootStateFile, DevicePaths.StoreSectors * DevicePaths.SectorSize, DevicePaths.SectorSize);
            try
            {
                var verifier = new SlotVerifier(slots, new ManifestVerifier(bundle.ReleasePublicKey, board.Name, LoaderVersion.Value));
                // The full check (signature + every file hash) costs seconds interpreted; a timer wake of a
                // confirmed slot gets the quick check, a cold boot or a trial slot always the full one.
                bool fullCheck = DeepSleep.WakeCauseNow() != WakeCause.DeepSleepTimer;
                return new SlotSelector(new BootStateStore(bootFlash, 0), verifier).Select(fullCheck);
            }
            finally
            {
                bootFlash.Dispose();
            }
        }

        private static void NothingToRun(StatusLed led)
        {
            led.Blink(20, 250);
            DeepSleep.Deep(NothingToRunSleepMillis);
        }
    }
}
