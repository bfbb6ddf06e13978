using NodeFirmware.Core.Cbor;

namespace NodeFirmware.Core.Ota
{
    /// <summary>
    /// CBOR form of <see cref="OtaCursor"/>: { "v": 1, "ph", "c", "md", "slot", "f", "ff", "st", "cs", "lc", "lok", "lerr", "lfw", "lrep" } ("lrep" absent: reported).
    /// </summary>
    public static class OtaCursorCodec
    {
        public const int FormatVersion = 1;

        public static byte[] Encode(OtaCursor c)
        {
            var w = new CborWriter(160);
            w.WriteStartMap(14);
            w.WriteText("v"); w.WriteUInt64(FormatVersion);
            w.WriteText("ph"); w.WriteInt32(c.Phase);
            w.WriteText("c"); w.WriteText(c.CampaignId);
            w.WriteText("md"); w.WriteBytes(c.ManifestDigest);
            w.WriteText("slot"); w.WriteInt32(c.TargetSlot);
            w.WriteText("f"); w.WriteInt32(c.FileIndex);
            w.WriteText("ff"); w.WriteInt32(c.FileFailures);
            w.WriteText("st"); w.WriteInt32(c.Stalls);
            w.WriteText("cs"); w.WriteInt32(c.ChunkSize);
            w.WriteText("lc"); w.WriteText(c.LastCampaignId);
            w.WriteText("lok"); w.WriteBoolean(c.LastOk);
            w.WriteText("lerr"); w.WriteText(c.LastError);
            w.WriteText("lfw"); w.WriteText(c.LastVersion);
            w.WriteText("lrep"); w.WriteBoolean(c.LastReported);
            return w.ToArray();
        }

        /// <summary>Throws <see cref="CborException"/> on anything malformed or inconsistent.</summary>
        public static OtaCursor Decode(byte[] data)
        {
            var r = new CborReader(data);
            var c = new OtaCursor();
            int pairs = r.ReadStartMap();
            for (int i = 0; i < pairs; i++)
            {
                string key = r.ReadText();
                if (key == "v") { if (r.ReadUInt64() != FormatVersion) throw new CborException("ota cursor: unsupported version"); }
                else if (key == "ph") c.Phase = r.ReadInt32();
                else if (key == "c") c.CampaignId = r.ReadText();
                else if (key == "md") c.ManifestDigest = r.ReadBytes();
                else if (key == "slot") c.TargetSlot = r.ReadInt32();
                else if (key == "f") c.FileIndex = r.ReadInt32();
                else if (key == "ff") c.FileFailures = r.ReadInt32();
                else if (key == "st") c.Stalls = r.ReadInt32();
                else if (key == "cs") c.ChunkSize = r.ReadInt32();
                else if (key == "lc") c.LastCampaignId = r.ReadText();
                else if (key == "lok") c.LastOk = r.ReadBoolean();
                else if (key == "lerr") c.LastError = r.ReadText();
                else if (key == "lfw") c.LastVersion = r.ReadText();
                else if (key == "lrep") c.LastReported = r.ReadBoolean();
                else r.SkipValue();
            }
            if (c.Phase < OtaCursor.Idle || c.Phase > OtaCursor.Installed) throw new CborException("ota cursor: unknown phase");
            if (c.Phase != OtaCursor.Idle)
            {
                if (c.ManifestDigest.Length != 32) throw new CborException("ota cursor: manifest digest must be 32 bytes");
                if (c.TargetSlot != SlotLayout.SlotA && c.TargetSlot != SlotLayout.SlotB) throw new CborException("ota cursor: target slot out of range");
                if (c.FileIndex < 0 || c.ChunkSize < 1 || c.ChunkSize > OtaMessages.MaxChunkSize) throw new CborException("ota cursor: file index or chunk size out of range");
            }
            return c;
        }
    }
}
