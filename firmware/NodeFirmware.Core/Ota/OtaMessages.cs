using NodeFirmware.Core.Cbor;

namespace NodeFirmware.Core.Ota
{
    /// <summary>
    /// CBOR payloads of the nodes/{id}/ota/* topics (docs/formats/firmware-package.md, "OTA topics").
    /// Decoders skip unknown keys (the cloud may add some) but require the ones they need, and refuse a
    /// duplicate key, bytes after the map, a negative number for an unsigned field and oversized payloads;
    /// they throw <see cref="CborException"/> naming what is wrong.
    /// </summary>
    public static class OtaMessages
    {
        public const int MaxCampaignIdLength = 64;
        public const int MaxChunkSize = 16384;

        public static byte[] EncodeOffer(OtaOffer o)
        {
            bool authorized = o.Authorization != null;
            var w = new CborWriter(o.Manifest.Length + (authorized ? o.Authorization.Length + 192 : 128));
            w.WriteStartMap(authorized ? 6 : 4);
            w.WriteText("c"); w.WriteText(o.CampaignId);
            w.WriteText("m"); w.WriteBytes(o.Manifest);
            w.WriteText("sig"); w.WriteBytes(o.Signature);
            w.WriteText("cs"); w.WriteInt32(o.ChunkSize);
            if (authorized)
            {
                w.WriteText("auth"); w.WriteBytes(o.Authorization);
                w.WriteText("asig"); w.WriteBytes(o.AuthorizationSignature);
            }
            return w.ToArray();
        }

        /// <summary>The largest offer accepted: a manifest, an authorization, both signatures and the small fields.</summary>
        public const int MaxOfferSize = ManifestCodec.MaxEncodedSize + DowngradeAuthorizationCodec.MaxEncodedSize + 512;

        public static OtaOffer DecodeOffer(byte[] payload)
        {
            if (payload == null || payload.Length > MaxOfferSize) throw new CborException("offer: missing or too large");
            var r = new CborReader(payload);
            var o = new OtaOffer();
            o.ChunkSize = -1;
            var keys = new CborMapKeys(r, "offer", 16);
            while (keys.Next())
            {
                string key = keys.Key;
                if (key == "c") o.CampaignId = ReadCampaignId(r);
                else if (key == "m") o.Manifest = r.ReadBytes();
                else if (key == "sig") o.Signature = r.ReadBytes();
                else if (key == "cs") o.ChunkSize = r.ReadNonNegativeInt32();
                else if (key == "auth") o.Authorization = r.ReadBytes();
                else if (key == "asig") o.AuthorizationSignature = r.ReadBytes();
                else r.SkipValue();
            }
            r.ExpectEnd("offer");
            if (o.CampaignId == null) throw new CborException("offer: no campaign id 'c'");
            if (o.Manifest == null || o.Signature == null) throw new CborException("offer: 'm' and 'sig' are required");
            if (o.ChunkSize < 1 || o.ChunkSize > MaxChunkSize) throw new CborException("offer: chunk size 'cs' must be 1.." + MaxChunkSize);
            if ((o.Authorization == null) != (o.AuthorizationSignature == null)) throw new CborException("offer: 'auth' and 'asig' go together");
            return o;
        }

        public static byte[] EncodeRequest(OtaChunkRequest q)
        {
            var w = new CborWriter(64);
            w.WriteStartMap(4);
            w.WriteText("c"); w.WriteText(q.CampaignId);
            w.WriteText("f"); w.WriteInt32(q.FileIndex);
            w.WriteText("o"); w.WriteInt32(q.Offset);
            w.WriteText("n"); w.WriteInt32(q.Length);
            return w.ToArray();
        }

        public const int MaxRequestSize = 256;

        public static OtaChunkRequest DecodeRequest(byte[] payload)
        {
            if (payload == null || payload.Length > MaxRequestSize) throw new CborException("request: missing or too large");
            var r = new CborReader(payload);
            var q = new OtaChunkRequest();
            q.FileIndex = -1; q.Offset = -1; q.Length = -1;
            var keys = new CborMapKeys(r, "request", 8);
            while (keys.Next())
            {
                string key = keys.Key;
                if (key == "c") q.CampaignId = ReadCampaignId(r);
                else if (key == "f") q.FileIndex = r.ReadNonNegativeInt32();
                else if (key == "o") q.Offset = r.ReadNonNegativeInt32();
                else if (key == "n") q.Length = r.ReadNonNegativeInt32();
                else r.SkipValue();
            }
            r.ExpectEnd("request");
            if (q.CampaignId == null || q.FileIndex < 0 || q.Offset < 0 || q.Length < 1 || q.Length > MaxChunkSize)
                throw new CborException("request: 'c', 'f', 'o' and 'n' (1.." + MaxChunkSize + ") are required");
            return q;
        }

        public static byte[] EncodeChunk(OtaChunk c)
        {
            var w = new CborWriter(c.Data.Length + 64);
            w.WriteStartMap(5);
            w.WriteText("c"); w.WriteText(c.CampaignId);
            w.WriteText("f"); w.WriteInt32(c.FileIndex);
            w.WriteText("o"); w.WriteInt32(c.Offset);
            w.WriteText("d"); w.WriteBytes(c.Data);
            w.WriteText("crc"); w.WriteUInt64(c.Crc);
            return w.ToArray();
        }

        public static OtaChunk DecodeChunk(byte[] payload)
        {
            if (payload == null || payload.Length > MaxChunkSize + 256) throw new CborException("chunk: missing or too large");
            var r = new CborReader(payload);
            var c = new OtaChunk();
            c.FileIndex = -1; c.Offset = -1;
            var keys = new CborMapKeys(r, "chunk", 8);
            while (keys.Next())
            {
                string key = keys.Key;
                if (key == "c") c.CampaignId = ReadCampaignId(r);
                else if (key == "f") c.FileIndex = r.ReadNonNegativeInt32();
                else if (key == "o") c.Offset = r.ReadNonNegativeInt32();
                else if (key == "d") c.Data = r.ReadBytes();
                else if (key == "crc") c.Crc = r.ReadUInt32();
                else r.SkipValue();
            }
            r.ExpectEnd("chunk");
            if (c.CampaignId == null || c.FileIndex < 0 || c.Offset < 0 || c.Data == null || !keys.Has("crc"))
                throw new CborException("chunk: 'c', 'f', 'o', 'd' and 'crc' are required");
            return c;
        }

        /// <summary>{ "c": campaign, "st": state, "done": bytes, "total": bytes } on nodes/{id}/ota/progress.</summary>
        public static byte[] EncodeProgress(string campaignId, string state, long done, long total)
        {
            var w = new CborWriter(64);
            w.WriteStartMap(4);
            w.WriteText("c"); w.WriteText(campaignId);
            w.WriteText("st"); w.WriteText(state);
            w.WriteText("done"); w.WriteInt64(done);
            w.WriteText("total"); w.WriteInt64(total);
            return w.ToArray();
        }

        /// <summary>{ "c": campaign, "ok": bool, "fw": version running now, "err": reason (only when not ok) } on nodes/{id}/ota/result.</summary>
        public static byte[] EncodeResult(string campaignId, bool ok, string runningVersion, string error)
        {
            var w = new CborWriter(128);
            w.WriteStartMap(ok ? 3 : 4);
            w.WriteText("c"); w.WriteText(campaignId);
            w.WriteText("ok"); w.WriteBoolean(ok);
            w.WriteText("fw"); w.WriteText(runningVersion);
            if (!ok) { w.WriteText("err"); w.WriteText(error); }
            return w.ToArray();
        }

        private static string ReadCampaignId(CborReader r)
        {
            string id = r.ReadText();
            if (id.Length < 1 || id.Length > MaxCampaignIdLength) throw new CborException("campaign id must be 1.." + MaxCampaignIdLength + " characters");
            return id;
        }
    }
}
