using System;

namespace NodeFirmware.Core.Ota
{
    /// <summary>
    /// The transitions of <see cref="BootState"/>, one method per event of the table in
    /// docs/formats/boot-state.md. Each changes the state in memory only; the caller persists it (and, for a
    /// Loader boot, does so before loading anything). Events that do not apply throw InvalidOperationException.
    /// </summary>
    public static class BootStateMachine
    {
        /// <summary>
        /// Loader boot: picks the slot to try. A trial with attempts left gets one more (counted now); an
        /// exhausted trial is marked invalid and the active slot is used; an active slot that is not valid
        /// gives way to the other slot if that one is valid. Returns <see cref="BootState.NoSlot"/> when nothing is bootable.
        /// </summary>
        public static int OnLoaderBoot(BootState s)
        {
            if (s.TrialSlot != BootState.NoSlot)
            {
                if (s.Attempts < s.MaxAttempts)
                {
                    s.Attempts++;
                    return s.TrialSlot;
                }
                OnAttemptsExhausted(s);
            }
            if (s.Verdicts[s.ActiveSlot] == SlotVerdict.Valid) return s.ActiveSlot;
            int other = SlotLayout.Other(s.ActiveSlot);
            if (s.Verdicts[other] == SlotVerdict.Valid)
            {
                s.ActiveSlot = other;
                return other;
            }
            return BootState.NoSlot;
        }

        /// <summary>The trial used up its boots without a confirmation: it becomes invalid, the active slot stays.</summary>
        public static void OnAttemptsExhausted(BootState s)
        {
            if (s.TrialSlot == BootState.NoSlot) throw new InvalidOperationException("no trial slot");
            s.Verdicts[s.TrialSlot] = SlotVerdict.Invalid;
            s.TrialSlot = BootState.NoSlot;
            s.Attempts = 0;
        }

        /// <summary>The Loader's check of <paramref name="slot"/> (signature, hashes) failed: never load it again.</summary>
        public static void OnVerifyFailed(BootState s, int slot)
        {
            CheckSlot(slot);
            s.Verdicts[slot] = SlotVerdict.Invalid;
            if (s.TrialSlot == slot)
            {
                s.TrialSlot = BootState.NoSlot;
                s.Attempts = 0;
            }
        }

        /// <summary>The OTA client is about to erase and fill <paramref name="slot"/>: it holds nothing loadable from now on.</summary>
        public static void OnInstallStarted(BootState s, int slot)
        {
            CheckSlot(slot);
            if (slot == s.ActiveSlot) throw new InvalidOperationException("cannot install into the active slot");
            if (s.TrialSlot != BootState.NoSlot) throw new InvalidOperationException("a trial is pending confirmation");
            s.Verdicts[slot] = SlotVerdict.Empty;
            s.Versions[slot] = "";
            s.SecurityVersions[slot] = 0;
        }

        /// <summary>
        /// A downgrade authorization with <paramref name="counter"/> is spent: recorded with the "install started" write,
        /// so it cannot be used again after any reboot or power cut. Counters only go up.
        /// </summary>
        public static void OnDowngradeAuthorizationUsed(BootState s, long counter)
        {
            if (counter <= s.DowngradeCounter || counter > 0xFFFFFFFFL) throw new ArgumentOutOfRangeException("counter");
            s.DowngradeCounter = counter;
        }

        /// <summary>Every file of <paramref name="slot"/> verified: it boots as a trial from the next boot on.</summary>
        public static void OnInstallComplete(BootState s, int slot, string version, int securityVersion, int maxAttempts)
        {
            CheckSlot(slot);
            if (slot == s.ActiveSlot) throw new InvalidOperationException("cannot make the active slot a trial");
            if (maxAttempts < 1 || maxAttempts > BootStateCodec.MaxAttemptsLimit) throw new ArgumentOutOfRangeException("maxAttempts");
            if (securityVersion < s.SecurityFloor) throw new InvalidOperationException("security version " + securityVersion + " is below the floor " + s.SecurityFloor);
            s.Verdicts[slot] = SlotVerdict.Trial;
            s.Versions[slot] = version;
            s.SecurityVersions[slot] = securityVersion;
            s.TrialSlot = slot;
            s.Attempts = 0;
            s.MaxAttempts = maxAttempts;
        }

        /// <summary>
        /// The trial image is healthy: it becomes the active, valid slot; the previous one stays valid as fallback.
        /// The floor rises to the new image's security version (as MCUboot raises its security counter on confirm),
        /// so the Loader no longer boots a fallback whose manifest is below it. The newest version confirmed is remembered.
        /// </summary>
        public static void OnAppConfirm(BootState s)
        {
            if (s.TrialSlot == BootState.NoSlot) throw new InvalidOperationException("no trial to confirm");
            int svn = s.SecurityVersions[s.TrialSlot];
            if (svn > s.SecurityFloor) s.SecurityFloor = svn;
            RaiseHighestVersion(s, s.Versions[s.TrialSlot]);
            s.Verdicts[s.TrialSlot] = SlotVerdict.Valid;
            s.ActiveSlot = s.TrialSlot;
            s.TrialSlot = BootState.NoSlot;
            s.Attempts = 0;
        }

        private static void RaiseHighestVersion(BootState s, string version)
        {
            FirmwareVersion confirmed, highest;
            if (!FirmwareVersion.TryParse(version, out confirmed)) return;
            if (!FirmwareVersion.TryParse(s.HighestVersion, out highest) || confirmed.CompareTo(highest) > 0) s.HighestVersion = version;
        }

        private static void CheckSlot(int slot)
        {
            if (slot != SlotLayout.SlotA && slot != SlotLayout.SlotB) throw new ArgumentOutOfRangeException("slot");
        }
    }
}
