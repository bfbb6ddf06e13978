namespace NodeFirmware.Core.Energy
{
    /// <summary>What a node does in a day, as counts and sizes: the input of the energy model.</summary>
    public class DutyCycle
    {
        public double SamplesPerDay;

        /// <summary>Wakes from deep sleep (each costs a boot); wakes from light sleep cost none.</summary>
        public double BootsPerDay;

        /// <summary>Connections: each pays Wi-Fi connect and the TLS handshake.</summary>
        public double ConnectionsPerDay;

        public double MessagesPerDay;
        public double BytesPerDay;

        /// <summary>Time connected after publishing, listening for configuration and commands.</summary>
        public double ListenMillisecondsPerDay;

        /// <summary>Share of the sleeping time spent in light rather than deep sleep (0..1).</summary>
        public double LightSleepShare;

        /// <summary>Attempts that found no Wi-Fi network: each runs to <see cref="Link.ConnectLimits.WifiJoinWorstMillis"/>.</summary>
        public double FailedWifiJoinsPerDay;

        /// <summary>
        /// Attempts that joined Wi-Fi but did not reach the broker: a Wi-Fi connect, then up to
        /// <see cref="Link.ConnectLimits.MqttConnectMillis"/> with the radio on.
        /// </summary>
        public double FailedBrokerConnectsPerDay;

        public DutyCycle Clone()
        {
            return (DutyCycle)MemberwiseClone();
        }
    }
}
