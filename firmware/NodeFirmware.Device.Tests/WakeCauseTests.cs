using System.Diagnostics;
using System.IO;
using nanoFramework.TestFramework;
using NodeFirmware.Core.Hal;
using NodeFirmware.Device;

namespace NodeFirmware.Device.Tests
{
    /// <summary>
    /// The wake cause after a timer deep sleep. Needs the HIL rig (firmware/NodeFirmware.Device.Tests/README.md):
    /// the first run arms a marker file and deep-sleeps for 2 s, which ends that run; after the wake nanoCLR starts
    /// the test launcher again, the marker is found and the reported cause must be the timer. Without the rig the
    /// first run simply ends with the device asleep for 2 s.
    /// </summary>
    [TestClass]
    public class WakeCauseTests
    {
        public const string MarkerPath = "I:\\nodefw-devtest-sleep.marker";
        private const int SleepMillis = 2000;

        [TestMethod]
        public void A_timer_deep_sleep_wakes_with_cause_timer()
        {
            if (!File.Exists(MarkerPath))
            {
                using (var f = new FileStream(MarkerPath, FileMode.Create, FileAccess.Write, FileShare.None))
                {
                    f.Write(new byte[] { 1 }, 0, 1);
                }
                Debug.WriteLine("HIL: armed, deep sleep " + SleepMillis + " ms; the result comes from the run after the wake");
                DeepSleep.Deep(SleepMillis);
                return;
            }
            File.Delete(MarkerPath);
            WakeCause cause = DeepSleep.WakeCauseNow();
            Debug.WriteLine("HIL: woke with cause " + (int)cause);
            Assert.AreEqual((int)WakeCause.DeepSleepTimer, (int)cause);
        }
    }
}
