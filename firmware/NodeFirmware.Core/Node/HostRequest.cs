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

        // Publish
        public OutboundMessage[] Messages;

        // Listen
        public int ListenMilliseconds;

        // Sleep
        public long SleepMilliseconds;
        public bool DeepSleep;
    }
}
