namespace NodeFirmware.Core.Link
{
    /// <summary>A message the host publishes with QoS 1; it reports the PUBACK back by <see cref="Token"/>.</summary>
    public class OutboundMessage
    {
        public OutboundMessage(int token, string topic, byte[] payload, bool retain)
        {
            Token = token;
            Topic = topic;
            Payload = payload;
            Retain = retain;
        }

        public int Token { get; private set; }
        public string Topic { get; private set; }
        public byte[] Payload { get; private set; }
        public bool Retain { get; private set; }
    }
}
