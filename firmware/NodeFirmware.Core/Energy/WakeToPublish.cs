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
        /// one round trip, no payload worth counting) unless the broker keeps the session, and the listen window
        /// cut to one slice when it ends on the receiver's acknowledgement: at the window's start the batch has its
        /// PUBACK, so the acknowledgement is one round trip and the receiver's commit away (docs/benchmarks.md, "energy").
        /// </summary>
        public static DutyCycle DutyWith(DutyCycle d, NetworkReuse reuse)
        {
            DutyCycle r = d.Clone();
            r.MessagesPerDay = d.MessagesPerDay + (reuse.SessionKept ? 0 : d.ConnectionsPerDay);
            if (reuse.ListenEndsOnAck)
            {
                double slice = d.ConnectionsPerDay * Node.NodeApp.AckListenSliceMilliseconds;
                if (slice < d.ListenMillisecondsPerDay) r.ListenMillisecondsPerDay = slice;
            }
            return r;
        }

        /// <summary>
        /// A wake as the device measured it: the status's "w2p" (total, Wi-Fi join, DHCP, TLS handshake, MQTT connect,
        /// publish, ms; -1 for a phase counted in its neighbour). The join is what the total has beyond the other
        /// phases, so the phases add up to the measured total.
        /// </summary>
        public static WakePhases FromVitals(int[] w2p)
        {
            if (w2p == null || w2p.Length != 6) throw new System.ArgumentException("w2p has 6 entries: total, join, DHCP, TLS, connect, publish");
            var w = new WakePhases();
            w.DhcpMilliseconds = Measured(w2p[2]);
            w.TlsHandshakeMilliseconds = Measured(w2p[3]);
            w.MqttConnectMilliseconds = Measured(w2p[4]);
            w.PublishMilliseconds = Measured(w2p[5]);
            double rest = Measured(w2p[0]) - w.DhcpMilliseconds - w.TlsHandshakeMilliseconds - w.MqttConnectMilliseconds - w.PublishMilliseconds;
            w.WifiJoinMilliseconds = rest > 0 ? rest : 0;
            return w;
        }

        /// <summary>
        /// The board's profile with its connect times replaced by a measured wake's (<see cref="FromVitals"/>): Wi-Fi
        /// connect = join + DHCP, TLS = handshake + MQTT connect (the profile's TLS figure includes CONNECT/CONNACK),
        /// and each message's round trip the measured first publish. The currents stay the board's.
        /// </summary>
        public static PowerProfile ProfileWith(PowerProfile p, WakePhases measured)
        {
            PowerProfile r = p.Clone();
            r.DhcpMilliseconds = measured.DhcpMilliseconds;
            r.WifiConnectMilliseconds = measured.WifiJoinMilliseconds + measured.DhcpMilliseconds;
            r.TlsHandshakeMilliseconds = measured.TlsHandshakeMilliseconds + measured.MqttConnectMilliseconds;
            r.PublishMillisecondsPerMessage = measured.PublishMilliseconds;
            return r;
        }

        private static double Measured(int ms)
        {
            return ms > 0 ? ms : 0;
        }
    }
}
