namespace NodeFirmware.Core.Link
{
    /// <summary>
    /// How long the device configures the address its last DHCP exchange gave it again instead of asking anew
    /// (firmware/NodeFirmware.Device: WifiLink). nanoFramework exposes no lease time, so the bound is the shortest
    /// lease of common servers' defaults: dnsmasq leases for one hour unless told otherwise (ISC dhcpd 12 h, home
    /// routers a day or more). An address is reused only while younger than that, counted from the exchange that
    /// gave it, and only within one run of the application (light sleep keeps it; a deep-sleep wake asks again).
    /// </summary>
    public static class AddressReuse
    {
        public const int WindowSeconds = 3600;

        /// <summary>True when an address obtained <paramref name="ageMillis"/> ago may be configured again.</summary>
        public static bool MayReuse(long ageMillis)
        {
            return ageMillis >= 0 && ageMillis < WindowSeconds * 1000L;
        }

        /// <summary>
        /// Share of connections, one every <paramref name="intervalSeconds"/> in one run, that reuse the address:
        /// of each run of ⌈window / interval⌉ connections, the first asks DHCP and the rest reuse its answer.
        /// </summary>
        public static double ReusedShare(int intervalSeconds)
        {
            if (intervalSeconds <= 0) return 0;
            long perExchange = (WindowSeconds + intervalSeconds - 1) / intervalSeconds;
            return perExchange <= 1 ? 0 : (perExchange - 1) / (double)perExchange;
        }
    }
}
