namespace NodeFirmware.Core.Energy
{
    /// <summary>
    /// What a wake reuses from the last connection. TLS session resumption is not among them: nanoFramework's
    /// SslStream offers no way to keep or hand back a TLS session (docs/device-apis.md, "Wake to publish").
    /// </summary>
    public class NetworkReuse
    {
        /// <summary>
        /// Share of wakes (0..1) that configure the address the last DHCP exchange gave again and skip DHCP
        /// (<see cref="Link.AddressReuse"/>).
        /// </summary>
        public double AddressKeptShare;

        /// <summary>The broker kept the session (CONNACK session present): no SUBSCRIBE round trip.</summary>
        public bool SessionKept;

        /// <summary>The listen window ends once the receiver acknowledged the connection's batches (NodeApp, "Listen window").</summary>
        public bool ListenEndsOnAck;

        /// <summary>A connection that reuses nothing: the firmware before the change, and the naive design.</summary>
        public static NetworkReuse None()
        {
            return new NetworkReuse();
        }

        /// <summary>
        /// What NodeFirmware's device link reuses under <paramref name="c"/>: the broker session always (after the
        /// first connection); the address only while the application keeps running, i.e. in light sleep
        /// (<see cref="EnergyModel.ForConfig"/>'s choice), for the share of reports <see cref="Link.AddressReuse"/> allows.
        /// </summary>
        public static NetworkReuse Firmware(Config.DeviceConfig c)
        {
            var r = new NetworkReuse();
            bool light = c.SampleIntervalSeconds < c.LightSleepBelowSeconds;
            r.AddressKeptShare = light ? Link.AddressReuse.ReusedShare(c.ReportIntervalSeconds) : 0;
            r.SessionKept = true;
            r.ListenEndsOnAck = true;
            return r;
        }
    }
}
