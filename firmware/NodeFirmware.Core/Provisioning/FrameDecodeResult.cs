namespace NodeFirmware.Core.Provisioning
{
    /// <summary>
    /// What <see cref="FrameDecoder.Next"/> produced: a frame, or a rejection with its reason. A rejection
    /// whose header was sound (CRC, size, version) also carries the frame's type and sequence, so the
    /// receiver can answer the request it could not read.
    /// </summary>
    public class FrameDecodeResult
    {
        private FrameDecodeResult(Frame frame, FrameRejectReason reason, string message, bool headerValid, MessageType type, int sequence)
        {
            Frame = frame;
            Reason = reason;
            Message = message;
            HeaderValid = headerValid;
            Type = type;
            Sequence = sequence;
        }

        /// <summary>The decoded frame; null for a rejection.</summary>
        public Frame Frame { get; private set; }

        public FrameRejectReason Reason { get; private set; }

        /// <summary>Human-readable reason; null for a frame.</summary>
        public string Message { get; private set; }

        public bool IsFrame { get { return Frame != null; } }

        /// <summary>True when <see cref="Type"/> and <see cref="Sequence"/> come from a header that passed its CRC.</summary>
        public bool HeaderValid { get; private set; }

        public MessageType Type { get; private set; }

        public int Sequence { get; private set; }

        internal static FrameDecodeResult Accepted(Frame frame)
        {
            return new FrameDecodeResult(frame, FrameRejectReason.None, null, true, frame.Type, frame.Sequence);
        }

        internal static FrameDecodeResult Rejected(FrameRejectReason reason, string message, bool headerValid, MessageType type, int sequence)
        {
            return new FrameDecodeResult(null, reason, message, headerValid, type, sequence);
        }
    }
}
