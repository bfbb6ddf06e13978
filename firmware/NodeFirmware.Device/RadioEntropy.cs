using System;
using System.Device.Wifi;
using System.Threading;

namespace NodeFirmware.Device
{
    /// <summary>
    /// The random source of the key the board makes for itself (GENERATE_KEY): System.Random, which nanoCLR's ESP32 port
    /// serves from esp_random(), with the radio running while the bytes are drawn. ESP-IDF counts the RNG's output as
    /// truly random only while the RF subsystem is active (Wi-Fi or Bluetooth; the High Speed ADC is its noise source),
    /// and provisioning mode does not otherwise use the radio. Before each draw this starts a Wi-Fi scan (passive, about
    /// half a second per channel, so it is still running when the draw follows at once); when no scan can be started the
    /// draw is refused, so the board makes no key from pseudo-random bytes and nodectl gets the reason.
    /// (docs/device-apis.md, "Key entropy")
    /// </summary>
    public sealed class RadioEntropy : Random
    {
        // A connect in progress (auto-connect at boot to a stored network) refuses a scan for a moment: try again.
        private const int ScanAttempts = 3;
        private const int RetryMillis = 500;

        public override void NextBytes(byte[] buffer)
        {
            StartScan();
            base.NextBytes(buffer);
        }

        private static void StartScan()
        {
            string last = "no Wi-Fi adapter";
            for (int attempt = 0; attempt < ScanAttempts; attempt++)
            {
                if (attempt > 0) Thread.Sleep(RetryMillis);
                WifiAdapter[] adapters = null;
                try
                {
                    adapters = WifiAdapter.FindAllAdapters();
                    if (adapters.Length == 0) continue;
                    adapters[0].ScanAsync();
                    return;
                }
                catch (Exception e)
                {
                    last = e.GetType().Name + (e.Message != null && e.Message.Length > 0 ? " " + e.Message : "");
                }
                finally
                {
                    // Each FindAllAdapters makes new adapter objects; the scan itself goes on natively after Dispose.
                    if (adapters != null) foreach (WifiAdapter a in adapters) a.Dispose();
                }
            }
            // Core's GenerateKey turns this into KEY_GENERATION_FAILED with the text: no key from a pseudo-random RNG.
            throw new InvalidOperationException("the radio could not be started for the key's entropy (Wi-Fi scan: " + last + ")");
        }
    }
}
