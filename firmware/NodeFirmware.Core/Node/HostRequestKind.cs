namespace NodeFirmware.Core.Node
{
    /// <summary>What <see cref="NodeApp.Next"/> asks of the host.</summary>
    public enum HostRequestKind
    {
        /// <summary>Connect to the broker (TLS, client certificate) with the given client id and last will, subscribe, then call OnConnected or OnConnectFailed.</summary>
        Connect = 0,

        /// <summary>Publish every message with QoS 1; report each PUBACK with OnPublishAcked, or call OnLinkLost.</summary>
        Publish = 1,

        /// <summary>Stay connected this long, passing inbound messages to OnMessage; then call Next.</summary>
        Listen = 2,

        /// <summary>Disconnect cleanly (the last will is not sent), then call Next.</summary>
        Disconnect = 3,

        /// <summary>Sleep. Deep: power down; on wake the application starts again from Main with a new NodeApp. Light: call Next afterwards.</summary>
        Sleep = 4,
    }
}
