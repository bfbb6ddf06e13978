namespace NodeFirmware.Core.Link
{
    /// <summary>
    /// How long each step of a connection took, as the host measured it, in milliseconds; -1 where the host cannot
    /// tell a step apart from the one before it (it is then counted in that one) or did not do it.
    /// </summary>
    public class LinkTimings
    {
        public int WifiJoinMillis = -1;
        public int DhcpMillis = -1;
        public int TlsHandshakeMillis = -1;
        public int MqttConnectMillis = -1;
    }
}
