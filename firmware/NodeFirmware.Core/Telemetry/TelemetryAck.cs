using NodeFirmware.Core.Cbor;

namespace NodeFirmware.Core.Telemetry
{
    /// <summary>
    /// The receiver's application-level acknowledgement of one telemetry batch, on nodes/{id}/telemetry/ack
    /// (docs/formats/README.md, "Telemetry acknowledgement"): {"v": 1, "e": epoch, "s": first sequence, "n": count}.
    /// It says the batch's readings are committed in the receiver's store, which a broker's PUBACK does not.
    /// </summary>
    public static class TelemetryAck
    {
        public const int MaxSize = 64;

        public static byte[] Encode(uint epoch, uint first, int count)
        {
            var w = new CborWriter(32);
            w.WriteStartMap(4);
            w.WriteText("v"); w.WriteInt64(1);
            w.WriteText("e"); w.WriteUInt64(epoch);
            w.WriteText("s"); w.WriteUInt64(first);
            w.WriteText("n"); w.WriteInt64(count);
            return w.ToArray();
        }

        /// <summary>
        /// Strict: all four keys, no others, none twice, v == 1, 1 ≤ n ≤ 512, at most <see cref="MaxSize"/> bytes.
        /// False with a reason otherwise.
        /// </summary>
        public static bool TryDecode(byte[] payload, out uint epoch, out uint first, out int count, out string error)
        {
            epoch = 0;
            first = 0;
            count = 0;
            error = null;
            try
            {
                if (payload == null || payload.Length > MaxSize) { error = "ack missing or over " + MaxSize + " bytes"; return false; }
                var r = new CborReader(payload);
                var keys = new CborMapKeys(r, "ack", 4);
                long version = -1;
                while (keys.Next())
                {
                    if (keys.Key == "v") version = r.ReadNonNegativeInt32();
                    else if (keys.Key == "e") epoch = r.ReadUInt32();
                    else if (keys.Key == "s") first = r.ReadUInt32();
                    else if (keys.Key == "n") count = r.ReadNonNegativeInt32();
                    else { error = "ack: unknown key '" + keys.Key + "'"; return false; }
                }
                r.ExpectEnd("ack");
                if (!keys.Has("e") || !keys.Has("s") || !keys.Has("n")) { error = "ack without e, s or n"; return false; }
                if (version != 1) { error = "ack version must be 1"; return false; }
                if (count < 1 || count > 512) { error = "ack count must be 1..512"; return false; }
                return true;
            }
            catch (CborException e)
            {
                error = "malformed ack: " + e.Message;
                return false;
            }
        }
    }
}
