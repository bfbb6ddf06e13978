using System;
using System.Device.Wifi;
using System.Net.NetworkInformation;
using System.Threading;
using nanoFramework.Networking;
using NodeFirmware.Core.Link;

namespace NodeFirmware.Device
{
    /// <summary>
    /// Joins the provisioned Wi-Fi network (System.Device.Wifi's WifiNetworkHelper) and starts SNTP.
    /// Reconnection is manual: the node connects only when Core asks for a connection, and leaves the radio
    /// off otherwise (deep sleep turns it off anyway). A join is bounded (Core's ConnectLimits): the token given to
    /// the helper bounds the wait for an address and time, nanoCLR bounds the association natively at 20 s.
    /// The address a DHCP exchange gave is configured statically on the next joins while Core's AddressReuse allows,
    /// which skips DHCP; after a join or a broker connect that fails that way, the next attempt asks DHCP again. The Wi-Fi scan cannot be skipped:
    /// nanoCLR connects with no BSSID and no channel (docs/device-apis.md, "Wake to publish").
    /// </summary>
    public class WifiLink
    {
        private readonly string _ssid;
        private readonly string _passphrase;
        private readonly DeviceClock _clock;
        private IPConfiguration _kept; // what the last DHCP exchange gave, and when (uptime)
        private long _keptAtMillis;

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
            // Wait for SNTP only when the RTC has no valid time (first boot, or after a power cut).
            bool needTime = !_clock.IsTimeValid;
            var cts = new CancellationTokenSource(ConnectLimits.WifiJoinTokenMillis);
            bool ok;
            if (_kept != null && AddressReuse.MayReuse(Environment.TickCount64 - _keptAtMillis))
            {
                ok = WifiNetworkHelper.ConnectFixAddress(_ssid, _passphrase, _kept, WifiReconnectionKind.Manual, needTime, 0, cts.Token);
                // One attempt stays within its bound: a failure here goes back to DHCP on the next attempt, not now.
                if (!ok) _kept = null;
            }
            else
            {
                _kept = null;
                UseDhcp(); // the interface keeps a static address in its stored configuration until told otherwise
                ok = WifiNetworkHelper.ConnectDhcp(_ssid, _passphrase, WifiReconnectionKind.Manual, needTime, 0, cts.Token);
                if (ok) Keep();
            }
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

        /// <summary>Forgets the kept address too: the broker could not be reached with it, or it was refused.</summary>
        public void ForgetAddress()
        {
            _kept = null;
        }

        private void Keep()
        {
            NetworkInterface ni = WirelessInterface();
            if (ni == null || !ni.IsDhcpEnabled) return;
            _kept = new IPConfiguration(ni.IPv4Address, ni.IPv4SubnetMask, ni.IPv4GatewayAddress, ni.IPv4DnsAddresses);
            _keptAtMillis = Environment.TickCount64;
        }

        private static void UseDhcp()
        {
            NetworkInterface ni = WirelessInterface();
            if (ni != null && !ni.IsDhcpEnabled) ni.EnableDhcp();
        }

        private static NetworkInterface WirelessInterface()
        {
            foreach (NetworkInterface ni in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (ni.NetworkInterfaceType == NetworkInterfaceType.Wireless80211) return ni;
            }
            return null;
        }
    }
}
