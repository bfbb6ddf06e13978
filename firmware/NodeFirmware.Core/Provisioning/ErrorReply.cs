using NodeFirmware.Core.Cbor;

namespace NodeFirmware.Core.Provisioning
{
    /// <summary>The Error payload: CBOR { "code": uint, "msg": text }.</summary>
    public class ErrorReply
    {
        public const int MaxMessageLength = 200;

        public ErrorReply(ErrorCode code, string message)
        {
            Code = code;
            Message = message == null ? "" : message;
        }

        public ErrorCode Code { get; private set; }
        public string Message { get; private set; }

        public byte[] Encode()
        {
            string m = Message.Length > MaxMessageLength ? Message.Substring(0, MaxMessageLength) : Message;
            var w = new CborWriter(32 + m.Length);
            w.WriteStartMap(2);
            w.WriteText("code"); w.WriteInt32((int)Code);
            w.WriteText("msg"); w.WriteText(m);
            return w.ToArray();
        }

        /// <summary>Throws <see cref="CborException"/> when the payload is not an error map.</summary>
        public static ErrorReply Decode(byte[] payload)
        {
            var r = new CborReader(payload);
            int pairs = r.ReadStartMap();
            int code = -1;
            string message = null;
            for (int p = 0; p < pairs; p++)
            {
                string key = r.ReadText();
                if (key == "code") code = r.ReadInt32();
                else if (key == "msg") message = r.ReadText();
                else r.SkipValue();
            }
            if (code < 0) throw new CborException("error reply without 'code'");
            return new ErrorReply((ErrorCode)code, message);
        }
    }
}
