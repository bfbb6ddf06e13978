namespace NodeFirmware.Core.Link
{
    /// <summary>
    /// Upper bounds on one connection attempt, as the device enforces them (firmware/NodeFirmware.Device:
    /// WifiLink, MqttLink) and as the energy model charges a failed attempt. Where the numbers come from is in
    /// docs/device-apis.md ("Bounding a connection attempt").
    /// </summary>
    public static class ConnectLimits
    {
        /// <summary>
        /// nanoCLR's ESP32 WifiAdapter.Connect waits natively for the association result for up to this long
        /// (nf-interpreter, hard-coded); no managed token can cut it short.
        /// </summary>
        public const int WifiAssociationNativeMillis = 20000;

        /// <summary>
        /// The CancellationToken given to WifiNetworkHelper.ConnectDhcp: it bounds the wait for an IP address
        /// (and, on a first boot, SNTP time), polled every 200 ms once the association call has returned.
        /// </summary>
        public const int WifiJoinTokenMillis = 10000;

        /// <summary>The longest a failed Wi-Fi join takes: the token runs during the native wait.</summary>
        public const int WifiJoinWorstMillis = (WifiAssociationNativeMillis > WifiJoinTokenMillis ? WifiAssociationNativeMillis : WifiJoinTokenMillis) + 200;

        /// <summary>
        /// The whole MQTT connect: DNS (in M2Mqtt's MqttClient constructor), TCP connect, TLS handshake, CONNACK
        /// (M2Mqtt waits MqttSettings.DefaultTimeout, 30 s, for it and offers no setting) and SUBACK. The device
        /// runs the attempt on a worker thread and closes the client when this passes.
        /// </summary>
        public const int MqttConnectMillis = 15000;

        /// <summary>How long the device waits for the PUBACK of one message.</summary>
        public const int PublishAckMillis = 10000;
    }
}
