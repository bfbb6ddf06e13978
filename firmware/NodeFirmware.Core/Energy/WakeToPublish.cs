namespace NodeFirmware.Core.Energy
{
    /// <summary>
    /// Splits a board's connect figures into the phases of a wake and says what reuse saves. The profile's
    /// Wi-Fi connect includes DHCP (<see cref="PowerProfile.DhcpMilliseconds"/>); its TLS handshake includes the
    /// MQTT CONNECT/CONNACK. Every MQTT request/response round trip (CONNECT, SUBSCRIBE, PUBLISH) is taken to
    /// cost what the profile gives a published message: the same packets' size class, the same TLS record work.
    /// </summary>
    public static class WakeToPublish
    {
        /// <summary>The phases of the average wake: DHCP counts with the share of wakes that still run it.</summary>
        public static WakePhases Phases(PowerProfile p, NetworkReuse reuse)
        {
            var w = new WakePhases();
            double roundTrip = p.PublishMillisecondsPerMessage;
            w.WifiJoinMilliseconds = p.WifiConnectMilliseconds - p.DhcpMilliseconds;
            w.DhcpMilliseconds = (1 - reuse.AddressKeptShare) * p.DhcpMilliseconds; // the average wake
            w.TlsHandshakeMilliseconds = p.TlsHandshakeMilliseconds - roundTrip;
            w.MqttConnectMilliseconds = roundTrip;
            w.SubscribeMilliseconds = reuse.SessionKept ? 0 : roundTrip;
            w.PublishMilliseconds = roundTrip;
            return w;
        }

        /// <summary>The board's profile with the connect time a wake with <paramref name="reuse"/> takes.</summary>
        public static PowerProfile ProfileWith(PowerProfile p, NetworkReuse reuse)
        {
            PowerProfile r = p.Clone();
            r.WifiConnectMilliseconds = p.WifiConnectMilliseconds - reuse.AddressKeptShare * p.DhcpMilliseconds;
            return r;
        }

        /// <summary>
        /// The duty cycle with the SUBSCRIBE round trip of each connection counted as a message (radio active,
        /// one round trip, no payload worth counting) unless the broker keeps the session.
        /// </summary>
        public static DutyCycle DutyWith(DutyCycle d, NetworkReuse reuse)
        {
            DutyCycle r = d.Clone();
            r.MessagesPerDay = d.MessagesPerDay + (reuse.SessionKept ? 0 : d.ConnectionsPerDay);
            return r;
        }
    }
}
