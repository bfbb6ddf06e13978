namespace NodeFirmware.Core.Energy
{
    /// <summary>
    /// How much current a board draws, and for how long, in each phase of a node's life. Board files
    /// (boards/*.json) carry these numbers with their sources; currents in mA, durations in ms.
    /// </summary>
    public class PowerProfile
    {
        public string Name = "unnamed";

        /// <summary>From reset (or deep-sleep wake) to the application running: ROM, bootloader, nanoCLR start.</summary>
        public double BootMilliseconds;
        public double BootMilliamps;

        /// <summary>One forced-mode measurement with the CPU awake, radio off.</summary>
        public double SampleMilliseconds;
        public double SampleMilliamps;

        /// <summary>Association, DHCP (or cached IP) with the radio on.</summary>
        public double WifiConnectMilliseconds;

        /// <summary>The DHCP exchange, part of <see cref="WifiConnectMilliseconds"/>; a kept address skips it.</summary>
        public double DhcpMilliseconds;
        public double WifiConnectMilliamps;

        /// <summary>TLS 1.2 handshake with ECDSA P-256 and the MQTT CONNECT/CONNACK.</summary>
        public double TlsHandshakeMilliseconds;
        public double TlsHandshakeMilliamps;

        /// <summary>Radio active while publishing: a fixed cost per message and a cost per kilobyte sent.</summary>
        public double PublishMillisecondsPerMessage;
        public double PublishMillisecondsPerKilobyte;
        public double RadioActiveMilliamps;

        public double LightSleepMilliamps;
        public double DeepSleepMilliamps;

        public double BatteryCapacityMilliampHours;

        /// <summary>Share of the nominal capacity usable before brown-out (0..1).</summary>
        public double BatteryUsableFraction = 0.85;

        public PowerProfile Clone()
        {
            return (PowerProfile)MemberwiseClone();
        }
    }
}
