using System;
using System.Threading;
using nanoFramework.Hardware.Esp32;
using NodeFirmware.Core.Hal;

namespace NodeFirmware.Device
{
    /// <summary>
    /// Sleep and wake through nanoFramework.Hardware.Esp32's Sleep class. Deep sleep never returns: the chip
    /// restarts and nanoCLR runs Main again (the Loader, then the application).
    /// </summary>
    public static class DeepSleep
    {
        /// <summary>Why this boot happened, in Core's terms.</summary>
        public static WakeCause WakeCauseNow()
        {
            switch (Sleep.GetWakeupCause())
            {
                case Sleep.WakeupCause.Timer: return WakeCause.DeepSleepTimer;
                case Sleep.WakeupCause.Ext0:
                case Sleep.WakeupCause.Ext1:
                case Sleep.WakeupCause.Gpio: return WakeCause.DeepSleepPin;
                // Not a deep-sleep wake. nanoFramework exposes no reset-reason API, so a reset, a watchdog and
                // a brown-out all look like power-on here.
                case Sleep.WakeupCause.Undefined: return WakeCause.PowerOn;
                default: return WakeCause.Unknown;
            }
        }

        /// <summary>Powers down for <paramref name="milliseconds"/>; does not return.</summary>
        public static void Deep(long milliseconds)
        {
            Sleep.EnableWakeupByTimer(new TimeSpan(Clamp(milliseconds) * TimeSpan.TicksPerMillisecond));
            Sleep.StartDeepSleep();
        }

        /// <summary>
        /// Light sleep: RAM and the application survive. ESP-IDF refuses it while Wi-Fi runs
        /// (ESP_ERR_INVALID_STATE); then the thread just sleeps.
        /// </summary>
        public static void Light(long milliseconds)
        {
            long ms = Clamp(milliseconds);
            Sleep.EnableWakeupByTimer(new TimeSpan(ms * TimeSpan.TicksPerMillisecond));
            if (Sleep.StartLightSleep() != EspNativeError.OK) Thread.Sleep((int)ms);
        }

        private static long Clamp(long milliseconds)
        {
            if (milliseconds < 1) return 1;
            return milliseconds > int.MaxValue ? int.MaxValue : milliseconds;
        }
    }
}
