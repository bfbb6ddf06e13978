using NodeFirmware.Core.Cbor;

namespace NodeFirmware.Core.Node
{
    /// <summary>Decodes a command from nodes/{id}/cmd and encodes its acknowledgement.</summary>
    public static class CommandHandler
    {
        public const string Ping = "ping";
        public const string SampleNow = "sample-now";
        public const string Reboot = "reboot";

        /// <summary>Reads {"id": text, "op": text, ...}; false with a reason when malformed.</summary>
        public static bool TryDecode(byte[] payload, out string id, out string op, out string error)
        {
            id = "";
            op = "";
            error = null;
            try
            {
                if (payload.Length > 512) { error = "command over 512 bytes"; return false; }
                var r = new CborReader(payload);
                int pairs = r.ReadStartMap();
                for (int i = 0; i < pairs; i++)
                {
                    string key = r.ReadText();
                    if (key == "id") id = r.ReadText();
                    else if (key == "op") op = r.ReadText();
                    else r.SkipValue();
                }
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
