using System;
using System.Device.Wifi;
using System.Threading;
using nanoFramework.Networking;
using NodeFirmware.Core.Link;

namespace NodeFirmware.Device
{
    /// <summary>
    /// Joins the provisioned Wi-Fi network (System.Device.Wifi's WifiNetworkHelper, DHCP) and starts SNTP.
    /// Reconnection is manual: the node connects only when Core asks for a connection, and leaves the radio
    /// off otherwise (deep sleep turns it off anyway). A join is bounded (Core's ConnectLimits): the token given to
    /// ConnectDhcp bounds the wait for an address and time, nanoCLR bounds the association natively at 20 s.
    /// </summary>
    public class WifiLink
    {
        private readonly string _ssid;
        private readonly string _passphrase;
        private readonly DeviceClock _clock;

        public WifiLink(string ssid, string passphrase, DeviceClock clock)
        {
            _ssid = ssid;
            _passphrase = passphrase;
            _clock = clock;
        }

        public bool IsConnected { get; private set; }

        /// <summary>False with a reason when the network could not be joined within <see cref="ConnectLimits.WifiJoinWorstMillis"/>.</summary>
        public bool Connect(out string reason)
        {
            if (IsConnected) { reason = null; return true; }
            var cts = new CancellationTokenSource(ConnectLimits.WifiJoinTokenMillis);
            // Wait for SNTP only when the RTC has no valid time (first boot, or after a power cut).
            bool needTime = !_clock.IsTimeValid;
            bool ok = WifiNetworkHelper.ConnectDhcp(_ssid, _passphrase, WifiReconnectionKind.Manual, needTime, 0, cts.Token);
            if (!ok)
            {
                Exception e = WifiNetworkHelper.HelperException;
                reason = "wifi: " + WifiNetworkHelper.Status.ToString() + (e != null ? " " + e.Message : "");
                return false;
            }
            if (!Sntp.IsStarted) Sntp.Start();
            IsConnected = true;
            reason = null;
            return true;
        }

        public void Disconnect()
        {
            if (!IsConnected) return;
            WifiNetworkHelper.Disconnect();
            WifiNetworkHelper.Reset();
            IsConnected = false;
        }
    }
}
