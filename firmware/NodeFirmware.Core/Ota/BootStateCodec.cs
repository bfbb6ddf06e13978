using NodeFirmware.Core.Cbor;

namespace NodeFirmware.Core.Ota
{
    /// <summary>
    /// The CBOR form of <see cref="BootState"/> (docs/formats/boot-state.md):
    /// { "v": 1, "act": 0|1, "trial": -1|0|1, "att": uint, "max": uint, "slots": [[verdict, version], [verdict, version]] }.
    /// Decoding refuses anything inconsistent (a trial slot equal to the active one, a trial slot whose verdict is not trial).
    /// </summary>
    public static class BootStateCodec
    {
        public const int FormatVersion = 1;
        public const int MaxAttemptsLimit = 100;

        public static byte[] Encode(BootState s)
        {
            string problem = Check(s);
            if (problem != null) throw new System.ArgumentException("boot state not encodable: " + problem);
            var w = new CborWriter(64);
            w.WriteStartMap(6);
            w.WriteText("v"); w.WriteUInt64(FormatVersion);
            w.WriteText("act"); w.WriteInt32(s.ActiveSlot);
            w.WriteText("trial"); w.WriteInt32(s.TrialSlot);
            w.WriteText("att"); w.WriteInt32(s.Attempts);
            w.WriteText("max"); w.WriteInt32(s.MaxAttempts);
            w.WriteText("slots");
            w.WriteStartArray(SlotLayout.SlotCount);
            for (int i = 0; i < SlotLayout.SlotCount; i++)
            {
                w.WriteStartArray(2);
                w.WriteInt32((int)s.Verdicts[i]);
                w.WriteText(s.Versions[i]);
            }
            return w.ToArray();
        }

        /// <summary>Throws <see cref="CborException"/> naming the problem.</summary>
        public static BootState Decode(byte[] data)
        {
            var r = new CborReader(data);
            var s = new BootState();
            int seen = 0;
            int pairs = r.ReadStartMap();
            for (int i = 0; i < pairs; i++)
            {
                string key = r.ReadText();
                int bit;
                if (key == "v") { bit = 1; if (r.ReadUInt64() != FormatVersion) throw new CborException("boot state: unsupported format version"); }
                else if (key == "act") { bit = 2; s.ActiveSlot = r.ReadInt32(); }
                else if (key == "trial") { bit = 4; s.TrialSlot = r.ReadInt32(); }
                else if (key == "att") { bit = 8; s.Attempts = r.ReadInt32(); }
                else if (key == "max") { bit = 16; s.MaxAttempts = r.ReadInt32(); }
                else if (key == "slots")
                {
                    bit = 32;
                    if (r.ReadStartArray() != SlotLayout.SlotCount) throw new CborException("boot state: two slots expected");
                    for (int k = 0; k < SlotLayout.SlotCount; k++)
                    {
                        if (r.ReadStartArray() != 2) throw new CborException("boot state: slot entry must be [verdict, version]");
                        int verdict = r.ReadInt32();
                        if (verdict < 0 || verdict > (int)SlotVerdict.Invalid) throw new CborException("boot state: unknown verdict " + verdict);
                        s.Verdicts[k] = (SlotVerdict)verdict;
                        s.Versions[k] = r.ReadText();
                    }
                }
                else throw new CborException("boot state: unknown key '" + key + "'");
                if ((seen & bit) != 0) throw new CborException("boot state: duplicate key '" + key + "'");
                seen |= bit;
            }
            if (seen != 63) throw new CborException("boot state: missing keys");
            if (!r.AtEnd) throw new CborException("boot state: trailing bytes");
            string problem = Check(s);
            if (problem != null) throw new CborException("boot state: " + problem);
            return s;
        }

        /// <summary>Null when consistent, else what is wrong.</summary>
        public static string Check(BootState s)
        {
            if (s.ActiveSlot != SlotLayout.SlotA && s.ActiveSlot != SlotLayout.SlotB) return "active slot out of range";
            if (s.TrialSlot != BootState.NoSlot && s.TrialSlot != SlotLayout.SlotA && s.TrialSlot != SlotLayout.SlotB) return "trial slot out of range";
            if (s.TrialSlot == s.ActiveSlot) return "trial slot equals the active slot";
            if (s.TrialSlot != BootState.NoSlot && s.Verdicts[s.TrialSlot] != SlotVerdict.Trial) return "trial slot's verdict is not trial";
            if (s.MaxAttempts < 1 || s.MaxAttempts > MaxAttemptsLimit) return "max attempts out of range";
            if (s.Attempts < 0 || s.Attempts > s.MaxAttempts) return "attempts out of range";
            if (s.Versions[0] == null || s.Versions[1] == null) return "missing version text";
            return null;
        }
    }
}
