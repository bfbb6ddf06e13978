using NodeFirmware.Core.Cbor;

namespace NodeFirmware.Core.Node
{
    /// <summary>Decodes a command from nodes/{id}/cmd and encodes its acknowledgement.</summary>
    public static class CommandHandler
    {
        public const string Ping = "ping";
        public const string SampleNow = "sample-now";
        public const string Reboot = "reboot";

        public const int MaxCommandSize = 512;

        /// <summary>
        /// Reads {"id": text, "op": text, ...}; false with a reason when malformed. Other keys are ignored, but a
        /// duplicate key or bytes after the map make the whole command malformed.
        /// </summary>
        public static bool TryDecode(byte[] payload, out string id, out string op, out string error)
        {
            id = "";
            op = "";
            error = null;
            try
            {
                if (payload == null || payload.Length > MaxCommandSize) { error = "command missing or over " + MaxCommandSize + " bytes"; return false; }
                var r = new CborReader(payload);
                var keys = new CborMapKeys(r, "command", 16);
                while (keys.Next())
                {
                    if (keys.Key == "id") id = r.ReadText();
                    else if (keys.Key == "op") op = r.ReadText();
                    else r.SkipValue();
                }
                r.ExpectEnd("command");
                if (op.Length == 0) { error = "command without op"; return false; }
                return true;
            }
            catch (CborException e)
            {
                error = "malformed command: " + e.Message;
                return false;
            }
        }

        public static byte[] EncodeAck(string id, bool ok, string error)
        {
            var w = new CborWriter(64);
            w.WriteStartMap(error == null ? 2 : 3);
            w.WriteText("id"); w.WriteText(id);
            w.WriteText("ok"); w.WriteBoolean(ok);
            if (error != null) { w.WriteText("err"); w.WriteText(error); }
            return w.ToArray();
        }
    }
}
