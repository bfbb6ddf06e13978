using NodeFirmware.Core.Cbor;

namespace NodeFirmware.Core.Ota
{
    /// <summary>
    /// The CBOR form of <see cref="BootState"/> (docs/formats/boot-state.md), version 2:
    /// { "v": 2, "act": 0|1, "trial": -1|0|1, "att": uint, "max": uint,
    ///   "slots": [[verdict, version, svn], [verdict, version, svn]], "floor": uint, "hi": version text, "dac": uint }.
    /// A version 1 record (slots of [verdict, version], no "floor", "hi" or "dac") still reads, with all of them 0 or "".
    /// Decoding refuses anything inconsistent (a trial slot equal to the active one, a trial slot whose verdict is not trial).
    /// </summary>
    public static class BootStateCodec
    {
        public const int FormatVersion = 2;
        public const int MaxAttemptsLimit = 100;

        public static byte[] Encode(BootState s)
        {
            string problem = Check(s);
            if (problem != null) throw new System.ArgumentException("boot state not encodable: " + problem);
            var w = new CborWriter(96);
            w.WriteStartMap(9);
            w.WriteText("v"); w.WriteUInt64(FormatVersion);
            w.WriteText("act"); w.WriteInt32(s.ActiveSlot);
            w.WriteText("trial"); w.WriteInt32(s.TrialSlot);
            w.WriteText("att"); w.WriteInt32(s.Attempts);
            w.WriteText("max"); w.WriteInt32(s.MaxAttempts);
            w.WriteText("slots");
            w.WriteStartArray(SlotLayout.SlotCount);
            for (int i = 0; i < SlotLayout.SlotCount; i++)
            {
                w.WriteStartArray(3);
                w.WriteInt32((int)s.Verdicts[i]);
                w.WriteText(s.Versions[i]);
                w.WriteInt32(s.SecurityVersions[i]);
            }
            w.WriteText("floor"); w.WriteInt32(s.SecurityFloor);
            w.WriteText("hi"); w.WriteText(s.HighestVersion);
            w.WriteText("dac"); w.WriteInt64(s.DowngradeCounter);
            return w.ToArray();
        }

        /// <summary>Throws <see cref="CborException"/> naming the problem.</summary>
        public static BootState Decode(byte[] data)
        {
            var r = new CborReader(data);
            var s = new BootState();
            ulong format = 0;
            var keys = new CborMapKeys(r, "boot state", 9);
            while (keys.Next())
            {
                string key = keys.Key;
                if (key == "v")
                {
                    format = r.ReadUInt64();
                    if (format != 1 && format != FormatVersion) throw new CborException("boot state: unsupported format version " + format);
                }
                else if (key == "act") s.ActiveSlot = r.ReadInt32();
                else if (key == "trial") s.TrialSlot = r.ReadInt32();
                else if (key == "att") s.Attempts = r.ReadInt32();
                else if (key == "max") s.MaxAttempts = r.ReadInt32();
                else if (key == "slots") ReadSlots(r, s);
                else if (key == "floor") s.SecurityFloor = r.ReadNonNegativeInt32();
                else if (key == "hi") s.HighestVersion = r.ReadText();
                else if (key == "dac") s.DowngradeCounter = r.ReadUInt32();
                else throw new CborException("boot state: unknown key '" + key + "'");
            }
            r.ExpectEnd("boot state");
            string[] common = { "v", "act", "trial", "att", "max", "slots" };
            foreach (string key in common) if (!keys.Has(key)) throw new CborException("boot state: missing key '" + key + "'");
            bool extended = keys.Has("floor") && keys.Has("hi") && keys.Has("dac");
            bool none = !keys.Has("floor") && !keys.Has("hi") && !keys.Has("dac");
            if (format == FormatVersion ? !extended : !none) throw new CborException("boot state: 'floor', 'hi' and 'dac' belong to format version 2 only, and all of them");
            if (format == 1 && s.SecurityVersions[0] + s.SecurityVersions[1] != 0) throw new CborException("boot state: version 1 slots carry no security version");
            string problem = Check(s);
            if (problem != null) throw new CborException("boot state: " + problem);
            return s;
        }

        private static void ReadSlots(CborReader r, BootState s)
        {
            if (r.ReadStartArray() != SlotLayout.SlotCount) throw new CborException("boot state: two slots expected");
            for (int k = 0; k < SlotLayout.SlotCount; k++)
            {
                int fields = r.ReadStartArray();
                if (fields != 2 && fields != 3) throw new CborException("boot state: slot entry must be [verdict, version, svn]");
                int verdict = r.ReadInt32();
                if (verdict < 0 || verdict > (int)SlotVerdict.Invalid) throw new CborException("boot state: unknown verdict " + verdict);
                s.Verdicts[k] = (SlotVerdict)verdict;
                s.Versions[k] = r.ReadText();
                if (fields == 3) s.SecurityVersions[k] = r.ReadNonNegativeInt32();
            }
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
            if (s.Versions[0] == null || s.Versions[1] == null || s.HighestVersion == null) return "missing version text";
            if (s.SecurityVersions[0] < 0 || s.SecurityVersions[1] < 0 || s.SecurityFloor < 0) return "negative security version";
            if (s.DowngradeCounter < 0 || s.DowngradeCounter > 0xFFFFFFFFL) return "downgrade counter out of range";
            return null;
        }
    }
}
