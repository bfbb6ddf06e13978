using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Node;
using NodeFirmware.Core.Ota;

namespace NodeFirmware.Core.Vectors.Checks
{
    /// <summary>
    /// What reaches the device from the network or its own flash, decoded strictly: "type:" offer, chunk, request,
    /// command or boot-state; "payload:" in diagnostic notation or "payload-hex:". Expect: "ok" and what was read, or
    /// "refused: " and the decoder's reason.
    /// </summary>
    public static class MessageCheck
    {
        public static string Compute(Vector v)
        {
            byte[] p = v.Has("payload") ? CborDiagnostic.Write(v.Text("payload")) : v.Bytes("payload-hex");
            string type = v.Text("type");
            try
            {
                if (type == "offer")
                {
                    OtaOffer o = OtaMessages.DecodeOffer(p);
                    return "ok " + o.CampaignId + " manifest " + o.Manifest.Length + " signature " + o.Signature.Length + " chunk " + o.ChunkSize
                        + (o.Authorization != null ? " authorization " + o.Authorization.Length : "");
                }
                if (type == "chunk")
                {
                    OtaChunk c = OtaMessages.DecodeChunk(p);
                    return "ok " + c.CampaignId + " file " + c.FileIndex + " at " + c.Offset + " bytes " + c.Data.Length + " crc " + c.Crc;
                }
                if (type == "request")
                {
                    OtaChunkRequest q = OtaMessages.DecodeRequest(p);
                    return "ok " + q.CampaignId + " file " + q.FileIndex + " at " + q.Offset + " bytes " + q.Length;
                }
                if (type == "command")
                {
                    string id, op, error;
                    return CommandHandler.TryDecode(p, out id, out op, out error) ? "ok " + id + " " + op : "refused: " + error;
                }
                if (type == "boot-state")
                {
                    BootState s = BootStateCodec.Decode(p);
                    return "ok " + s + " floor " + s.SecurityFloor + " hi " + s.HighestVersion + " dac " + s.DowngradeCounter;
                }
            }
            catch (CborException e)
            {
                return "refused: " + e.Message;
            }
            throw new VectorFormatException(v.Name + ": unknown type " + type);
        }
    }
}
