namespace NodeFirmware.Core.Energy
{
    /// <summary>
    /// The time from a wake to the first PUBACK, by phase, in ms: Wi-Fi join (scan and association), DHCP,
    /// TLS handshake, MQTT CONNECT/CONNACK, SUBSCRIBE/SUBACK, and the first PUBLISH/PUBACK.
    /// </summary>
    public class WakePhases
    {
        public double WifiJoinMilliseconds;
        public double DhcpMilliseconds;
        public double TlsHandshakeMilliseconds;
        public double MqttConnectMilliseconds;
        public double SubscribeMilliseconds;
        public double PublishMilliseconds;

        public double TotalMilliseconds
        {
            get { return WifiJoinMilliseconds + DhcpMilliseconds + TlsHandshakeMilliseconds + MqttConnectMilliseconds + SubscribeMilliseconds + PublishMilliseconds; }
        }
    }
}
