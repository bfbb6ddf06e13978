using NodeFirmware.Core.Link;

namespace NodeFirmware.Core.Node
{
    public class HostRequest
    {
        public HostRequestKind Kind;

        // Connect
        public string ClientId;
        public string WillTopic;
        public byte[] WillPayload;
        public string[] Subscriptions;

        /// <summary>
        /// False: the broker keeps the node's session across sleeps (its subscriptions, and QoS 1 commands
        /// queued while it slept); the host subscribes only when CONNACK says no session was present.
        /// </summary>
        public bool CleanSession;

        // Publish
        public OutboundMessage[] Messages;

        // Listen
        public int ListenMilliseconds;

        // Sleep
        public long SleepMilliseconds;
        public bool DeepSleep;
    }
}
