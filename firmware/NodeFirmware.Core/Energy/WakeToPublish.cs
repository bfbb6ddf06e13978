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
            var r = Copy(p);
            r.WifiConnectMilliseconds = p.WifiConnectMilliseconds - reuse.AddressKeptShare * p.DhcpMilliseconds;
            return r;
        }

        /// <summary>
        /// The duty cycle with the SUBSCRIBE round trip of each connection counted as a message (radio active,
        /// one round trip, no payload worth counting) unless the broker keeps the session.
        /// </summary>
        public static DutyCycle DutyWith(DutyCycle d, NetworkReuse reuse)
        {
            var r = new DutyCycle();
            r.SamplesPerDay = d.SamplesPerDay;
            r.BootsPerDay = d.BootsPerDay;
            r.ConnectionsPerDay = d.ConnectionsPerDay;
            r.MessagesPerDay = d.MessagesPerDay + (reuse.SessionKept ? 0 : d.ConnectionsPerDay);
            r.BytesPerDay = d.BytesPerDay;
            r.ListenMillisecondsPerDay = d.ListenMillisecondsPerDay;
            r.LightSleepShare = d.LightSleepShare;
            r.FailedWifiJoinsPerDay = d.FailedWifiJoinsPerDay;
            r.FailedBrokerConnectsPerDay = d.FailedBrokerConnectsPerDay;
            return r;
        }

        private static PowerProfile Copy(PowerProfile p)
        {
            var r = new PowerProfile();
            r.Name = p.Name;
            r.BootMilliseconds = p.BootMilliseconds;
            r.BootMilliamps = p.BootMilliamps;
            r.SampleMilliseconds = p.SampleMilliseconds;
            r.SampleMilliamps = p.SampleMilliamps;
            r.WifiConnectMilliseconds = p.WifiConnectMilliseconds;
            r.DhcpMilliseconds = p.DhcpMilliseconds;
            r.WifiConnectMilliamps = p.WifiConnectMilliamps;
            r.TlsHandshakeMilliseconds = p.TlsHandshakeMilliseconds;
            r.TlsHandshakeMilliamps = p.TlsHandshakeMilliamps;
            r.PublishMillisecondsPerMessage = p.PublishMillisecondsPerMessage;
            r.PublishMillisecondsPerKilobyte = p.PublishMillisecondsPerKilobyte;
            r.RadioActiveMilliamps = p.RadioActiveMilliamps;
            r.LightSleepMilliamps = p.LightSleepMilliamps;
            r.DeepSleepMilliamps = p.DeepSleepMilliamps;
            r.BatteryCapacityMilliampHours = p.BatteryCapacityMilliampHours;
            r.BatteryUsableFraction = p.BatteryUsableFraction;
            return r;
        }
    }
}
