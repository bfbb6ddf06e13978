using System.Collections;
using NodeFirmware.Core.Crypto;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Storage;
using NodeFirmware.Core.Telemetry;

namespace NodeFirmware.Core.Vectors.Checks
{
    /// <summary>
    /// The journal on NOR flash with a power cut at every write of a scripted run ("steps" steps of appends, with
    /// a release every 5th and a link-state save every 17th, on "sectors" sectors of "sector_size" bytes). After each
    /// cut the journal is opened again and must hold every reading whose Append returned and was not released, in
    /// order, once. Expect: "cuts N violations 0 digest D", D the first 8 bytes of SHA-256 over what each recovery
    /// found (so both runtimes must recover the same state, not just a correct one).
    /// </summary>
    public static class JournalCheck
    {
        public static string Compute(Vector v)
        {
            int sectorSize = v.Int("sector_size");
            int sectors = v.Int("sectors");
            int steps = v.Int("steps");
            var reference = new CutFlash(sectorSize * sectors, sectorSize);
            var ignored = new ArrayList();
            uint releasedIgnored = 0;
            Run(reference, ignored, ref releasedIgnored, steps);
            long cuts = reference.Writes;

            int violations = 0;
            string firstViolation = "";
            var outcomes = new byte[(int)cuts * 12];
            for (long cut = 0; cut < cuts; cut++)
            {
                var flash = new CutFlash(sectorSize * sectors, sectorSize);
                flash.CutAtWrite = cut;
                var stored = new ArrayList();
                uint released = 0;
                try
                {
                    Run(flash, stored, ref released, steps);
                }
                catch (PowerCutException)
                {
                }
                flash.CutAtWrite = -1;
                var recovered = new Journal(flash, new SequenceRandom(99));
                string problem = Check(recovered, stored, released, sectors * sectorSize / 16);
                if (problem != null)
                {
                    if (violations == 0) firstViolation = " first at cut " + cut + ": " + problem;
                    violations++;
                }
                Put(outcomes, (int)cut * 12, recovered.ReleasedThrough);
                Put(outcomes, (int)cut * 12 + 4, recovered.NextSequence);
                Put(outcomes, (int)cut * 12 + 8, (uint)recovered.PendingCount ^ (recovered.ConsecutiveLinkFailures << 16));
            }
            byte[] digest = Sha256.Hash(outcomes);
            var head = new byte[8];
            System.Array.Copy(digest, head, 8);
            return "cuts " + cuts + " violations " + violations + firstViolation + " digest " + HexText.Encode(head);
        }

        /// <summary>
        /// The scripted run (also NodeFirmware.Core.Tests' JournalPowerCutTests): adds to <paramref name="stored"/> each
        /// sequence whose Append returned, and sets <paramref name="released"/> to the highest release that returned.
        /// </summary>
        public static void Run(IFlash flash, ArrayList stored, ref uint released, int steps)
        {
            var journal = new Journal(flash, new SequenceRandom(7));
            for (int step = 0; step < steps; step++)
            {
                if (step % 5 == 4 && journal.PendingCount > 0)
                {
                    var pending = new Reading[8];
                    int n = journal.ReadPending(pending, 8);
                    uint through = pending[n - 1].Sequence;
                    journal.Release(through);
                    released = through;
                }
                else if (step % 17 == 16)
                {
                    journal.SaveLinkState((uint)step, (uint)(1000 + step));
                }
                else
                {
                    var reading = new Reading();
                    reading.UnixTime = (uint)(1700000000 + step * 60);
                    reading.BatteryMillivolts = 3900 - step;
                    var sample = new EnvironmentSample();
                    sample.CentiCelsius = 2000 + step;
                    sample.CentiPercentRh = 4000 + step;
                    sample.Pascal = 100000 + step;
                    reading.Sample = sample;
                    stored.Add(journal.Append(reading, true));
                }
            }
        }

        private static string Check(Journal recovered, ArrayList stored, uint released, int maxPending)
        {
            if (recovered.ReleasedThrough < released) return "a returned release was lost";
            var pending = new Reading[maxPending];
            int n = recovered.ReadPending(pending, maxPending);
            if (n != recovered.PendingCount) return "PendingCount " + recovered.PendingCount + " but " + n + " read";
            int k = 0;
            foreach (uint s in stored)
            {
                if (s <= recovered.ReleasedThrough) continue;
                while (k < n && pending[k].Sequence < s) k++;
                if (k >= n || pending[k].Sequence != s) return "stored reading " + s + " lost";
            }
            for (int i = 1; i < n; i++)
            {
                if (pending[i].Sequence <= pending[i - 1].Sequence) return "pending out of order or duplicated at " + pending[i].Sequence;
            }
            return null;
        }

        private static void Put(byte[] b, int at, uint value)
        {
            b[at] = (byte)(value >> 24);
            b[at + 1] = (byte)(value >> 16);
            b[at + 2] = (byte)(value >> 8);
            b[at + 3] = (byte)value;
        }
    }
}
