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
    }
}
