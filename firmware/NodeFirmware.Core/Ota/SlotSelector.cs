namespace NodeFirmware.Core.Ota
{
    /// <summary>
    /// The Loader's decision on each boot: which slot to load. Every change to the boot state (an attempt
    /// counted, a slot marked invalid, a revert) is persisted before the slot is loaded, so a crash of the
    /// loaded image cannot lose it. A slot is loaded only after <see cref="SlotVerifier"/> passed it and its
    /// manifest's security version is not below the boot state's anti-rollback floor.
    /// </summary>
    public class SlotSelector
    {
        private readonly BootStateStore _store;
        private readonly SlotVerifier _verifier;

        public SlotSelector(BootStateStore store, SlotVerifier verifier)
        {
            _store = store;
            _verifier = verifier;
        }

        /// <summary>Selects with the full check (signature and every hash) of whatever slot is loaded.</summary>
        public SlotDecision Select()
        {
            return Select(true);
        }

        /// <summary>
        /// <paramref name="fullCheck"/> false allows <see cref="SlotVerifier.QuickCheck"/> for a slot already
        /// valid (confirmed): for deep-sleep timer wakes, where a full check would cost seconds of CPU each
        /// time. A trial slot and any slot on a cold boot (power-on, reset, watchdog, brownout) get the full check.
        /// </summary>
        public SlotDecision Select(bool fullCheck)
        {
            var decision = new SlotDecision();
            BootState state = _store.Load();
            if (state == null)
            {
                state = Discover(decision);
                if (state == null) return decision;
            }
            // Each failed verification removes a candidate, so two rounds per slot are enough.
            for (int round = 0; round < 2 * SlotLayout.SlotCount + 1; round++)
            {
                bool wasTrial = state.TrialSlot != BootState.NoSlot;
                int slot = BootStateMachine.OnLoaderBoot(state);
                if (wasTrial && state.TrialSlot == BootState.NoSlot)
                    decision.Log += "trial exhausted its attempts, reverted to slot " + SlotLayout.SlotName(state.ActiveSlot) + "; ";
                _store.Save(state);
                if (slot == BootState.NoSlot)
                {
                    decision.Log += "no bootable slot";
                    decision.State = state;
                    return decision;
                }
                string reason;
                bool quick = !fullCheck && state.Verdicts[slot] == SlotVerdict.Valid && state.TrialSlot != slot;
                FirmwareManifest m = quick ? _verifier.QuickCheck(slot, out reason) : _verifier.Verify(slot, out reason);
                if (m != null && state.Versions[slot].Length > 0 && state.Versions[slot] != m.Version.ToString())
                    reason = OtaFailure.Format(OtaFailure.VerifyFailed, "slot holds " + m.Version + ", boot state expects " + state.Versions[slot]);
                else if (m != null && m.SecurityVersion < state.SecurityFloor)
                    reason = OtaFailure.Format(OtaFailure.BelowFloor, "slot holds " + m.Version + " with security version " + m.SecurityVersion + ", the floor is " + state.SecurityFloor);
                if (reason == null)
                {
                    decision.Slot = slot;
                    decision.Trial = state.TrialSlot == slot;
                    decision.Manifest = m;
                    decision.State = state;
                    decision.Log += "loading slot " + SlotLayout.SlotName(slot) + " " + m.Version + (decision.Trial ? " (trial " + state.Attempts + "/" + state.MaxAttempts + ")" : "");
                    return decision;
                }
                decision.Log += "slot " + SlotLayout.SlotName(slot) + " failed verification (" + reason + "); ";
                BootStateMachine.OnVerifyFailed(state, slot);
                _store.Save(state);
            }
            decision.Log += "no bootable slot";
            decision.State = state;
            return decision;
        }

        /// <summary>
        /// No readable boot state (first boot after the factory, or both copies lost): adopt the slot that verifies
        /// with the highest security version, then the highest version (A on a tie). Its security version becomes
        /// the floor, so losing the record cannot lower the floor below what the slots themselves prove.
        /// </summary>
        private BootState Discover(SlotDecision decision)
        {
            int best = BootState.NoSlot;
            FirmwareManifest bestManifest = null;
            for (int slot = 0; slot < SlotLayout.SlotCount; slot++)
            {
                string reason;
                FirmwareManifest m = _verifier.Verify(slot, out reason);
                if (m == null)
                {
                    decision.Log += "no boot state; slot " + SlotLayout.SlotName(slot) + " unusable (" + reason + "); ";
                    continue;
                }
                if (bestManifest == null || IsAbove(m, bestManifest))
                {
                    best = slot;
                    bestManifest = m;
                }
            }
            if (bestManifest == null)
            {
                decision.Log += "no boot state and no bootable slot";
                return null;
            }
            BootState s = BootState.Factory(best, bestManifest.Version.ToString(), bestManifest.SecurityVersion);
            s.Verdicts[SlotLayout.Other(best)] = SlotVerdict.Empty;
            decision.Log += "no boot state; adopted slot " + SlotLayout.SlotName(best) + "; ";
            return s;
        }

        private static bool IsAbove(FirmwareManifest a, FirmwareManifest b)
        {
            if (a.SecurityVersion != b.SecurityVersion) return a.SecurityVersion > b.SecurityVersion;
            return a.Version.CompareTo(b.Version) > 0;
        }
    }
}
