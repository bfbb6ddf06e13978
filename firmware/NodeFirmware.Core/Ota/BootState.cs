namespace NodeFirmware.Core.Ota
{
    /// <summary>
    /// The state the Loader and the application share about slots A and B (docs/formats/boot-state.md).
    /// Changed only through <see cref="BootStateMachine"/>, persisted by <see cref="BootStateStore"/>.
    /// </summary>
    public class BootState
    {
        public const int NoSlot = -1;
        public const int DefaultMaxAttempts = 3;

        public BootState()
        {
            ActiveSlot = SlotLayout.SlotA;
            TrialSlot = NoSlot;
            MaxAttempts = DefaultMaxAttempts;
            Verdicts = new SlotVerdict[SlotLayout.SlotCount];
            Versions = new string[] { "", "" };
            SecurityVersions = new int[SlotLayout.SlotCount];
            HighestVersion = "";
        }

        /// <summary>The confirmed slot: loaded whenever there is no trial.</summary>
        public int ActiveSlot;

        /// <summary>The slot on trial, or <see cref="NoSlot"/>.</summary>
        public int TrialSlot;

        /// <summary>Boots of the trial slot so far; the Loader counts each before loading it.</summary>
        public int Attempts;

        /// <summary>Boots a trial gets before the Loader gives up on it.</summary>
        public int MaxAttempts;

        public SlotVerdict[] Verdicts;

        /// <summary>Firmware version per slot as text ("1.5.0+12"), "" when unknown or empty.</summary>
        public string[] Versions;

        /// <summary>Security version (manifest "svn") per slot, as recorded when the slot was installed; 0 when unknown.</summary>
        public int[] SecurityVersions;

        /// <summary>
        /// Anti-rollback floor: the highest security version of any image confirmed on this device. No offer below
        /// it is accepted, and the Loader boots no slot below it. Only ever raised (on confirm).
        /// </summary>
        public int SecurityFloor;

        /// <summary>The newest version ever confirmed here ("" when unknown): an offer at or below it is not an upgrade.</summary>
        public string HighestVersion;

        /// <summary>The highest downgrade-authorization counter used; an authorization must carry a larger one.</summary>
        public long DowngradeCounter;

        /// <summary>The state the factory writes: one verified image in <paramref name="slot"/>, the other slot empty.</summary>
        public static BootState Factory(int slot, string version)
        {
            return Factory(slot, version, 0);
        }

        /// <summary>As <see cref="Factory(int, string)"/>, with the image's security version, which becomes the floor.</summary>
        public static BootState Factory(int slot, string version, int securityVersion)
        {
            var s = new BootState();
            s.ActiveSlot = slot;
            s.Verdicts[slot] = SlotVerdict.Valid;
            s.Versions[slot] = version;
            s.SecurityVersions[slot] = securityVersion;
            s.SecurityFloor = securityVersion;
            s.HighestVersion = version;
            return s;
        }

        /// <summary>The slot the application runs from after a boot with this state: the trial if any, else the active one.</summary>
        public int RunningSlot
        {
            get { return TrialSlot != NoSlot ? TrialSlot : ActiveSlot; }
        }

        public BootState Clone()
        {
            var c = new BootState();
            c.ActiveSlot = ActiveSlot;
            c.TrialSlot = TrialSlot;
            c.Attempts = Attempts;
            c.MaxAttempts = MaxAttempts;
            c.SecurityFloor = SecurityFloor;
            c.HighestVersion = HighestVersion;
            c.DowngradeCounter = DowngradeCounter;
            for (int i = 0; i < SlotLayout.SlotCount; i++)
            {
                c.Verdicts[i] = Verdicts[i];
                c.Versions[i] = Versions[i];
                c.SecurityVersions[i] = SecurityVersions[i];
            }
            return c;
        }

        public override string ToString()
        {
            return "active " + SlotLayout.SlotName(ActiveSlot) + ", trial " + SlotLayout.SlotName(TrialSlot) + " " + Attempts + "/" + MaxAttempts
                + ", A " + VerdictName(Verdicts[0]) + " " + Versions[0] + ", B " + VerdictName(Verdicts[1]) + " " + Versions[1]
                + ", floor " + SecurityFloor + ", downgrade counter " + DowngradeCounter;
        }

        public static string VerdictName(SlotVerdict v)
        {
            switch (v)
            {
                case SlotVerdict.Empty: return "empty";
                case SlotVerdict.Valid: return "valid";
                case SlotVerdict.Trial: return "trial";
                default: return "invalid";
            }
        }
    }
}
