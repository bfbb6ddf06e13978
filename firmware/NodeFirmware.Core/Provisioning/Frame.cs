namespace NodeFirmware.Core.Provisioning
{
    /// <summary>One decoded frame.</summary>
    public class Frame
    {
        public Frame(byte version, MessageType type, int sequence, byte[] payload)
        {
            Version = version;
            Type = type;
            Sequence = sequence;
            Payload = payload;
        }

        public byte Version { get; private set; }
        public MessageType Type { get; private set; }

        /// <summary>0..65535.</summary>
        public int Sequence { get; private set; }

        public byte[] Payload { get; private set; }
    }
}
