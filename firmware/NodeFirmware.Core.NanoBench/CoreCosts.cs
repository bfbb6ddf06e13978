using System;
using NodeFirmware.Core.Crypto;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Storage;
using NodeFirmware.Core.Telemetry;
using NodeFirmware.Core.Util;
using NodeFirmware.Core.Vectors;

namespace NodeFirmware.Core.NanoBench
{
    /// <summary>
    /// Times Core's costly operations on whatever runtime runs it (nanoCLR or .NET), each repeated until it has
    /// run for about <see cref="MinMillis"/> ms. One line each: "nanobench op=NAME ns_per_op=N runs=N".
    /// </summary>
    public static class CoreCosts
    {
        private const int MinMillis = 400;

        // RFC 8032 section 7.1, TEST 2.
        private const string PublicKey = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
        private const string Signature = "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";

        public static string[] MeasureAll()
        {
            return new string[]
            {
                Ed25519Verify(),
                Sha256Of64K(),
                Crc32Of64K(),
                TelemetryBatch60(),
                JournalAppend(),
                P256KeygenAndRequest(),
            };
        }

        /// <summary>What GENERATE_KEY costs the device: a key from 32 random bytes (d·G) and its signed certificate request.</summary>
        private static string P256KeygenAndRequest()
        {
            var random = new SequenceRandom(256);
            long start = Now();
            int runs = 0;
            do
            {
                var key = NodeFirmware.Core.Provisioning.DeviceKey.Generate(random);
                if (NodeFirmware.Core.Provisioning.CsrBuilder.Build(key, "esp32-240ac4123456").Length < 200) return "nanobench op=p256_keygen_csr error=short-request";
                runs++;
            } while (Elapsed(start) < MinMillis);
            return Line("p256_keygen_csr", start, runs);
        }

        private static string Ed25519Verify()
        {
            byte[] key = HexText.Decode(PublicKey, "key");
            byte[] sig = HexText.Decode(Signature, "sig");
            var message = new byte[] { 0x72 };
            long start = Now();
            int runs = 0;
            do
            {
                if (!Ed25519.Verify(key, message, sig)) return "nanobench op=ed25519_verify error=signature-refused";
                runs++;
            } while (Elapsed(start) < MinMillis);
            return Line("ed25519_verify", start, runs);
        }

        private static string Sha256Of64K()
        {
            byte[] data = Filled(65536);
            long start = Now();
            int runs = 0;
            do
            {
                Sha256.Hash(data);
                runs++;
            } while (Elapsed(start) < MinMillis);
            return Line("sha256_64kib", start, runs);
        }

        private static string Crc32Of64K()
        {
            byte[] data = Filled(65536);
            long start = Now();
            int runs = 0;
            do
            {
                Crc32.Compute(data, 0, data.Length);
                runs++;
            } while (Elapsed(start) < MinMillis);
            return Line("crc32_64kib", start, runs);
        }

        private static string TelemetryBatch60()
        {
            var readings = new Reading[60];
            for (int i = 0; i < readings.Length; i++) readings[i] = Sample(i);
            long start = Now();
            int runs = 0;
            do
            {
                PackedBatchEncoder.Encode(7, readings, 0, readings.Length);
                runs++;
            } while (Elapsed(start) < MinMillis);
            return Line("telemetry_batch_60", start, runs);
        }

        private static string JournalAppend()
        {
            var flash = new CutFlash(8 * 4096, 4096);
            var journal = new Journal(flash, new SequenceRandom(1));
            long start = Now();
            int runs = 0;
            do
            {
                journal.Append(Sample(runs), true);
                if (journal.PendingCount > 100) journal.Release(journal.NextSequence - 1);
                runs++;
            } while (Elapsed(start) < MinMillis);
            return Line("journal_append", start, runs);
        }

        private static Reading Sample(int i)
        {
            var r = new Reading();
            r.Sequence = (uint)(1000 + i);
            r.UnixTime = (uint)(1700000000 + 60 * i);
            r.BatteryMillivolts = 3800 - i;
            var s = new EnvironmentSample();
            s.CentiCelsius = 2100 + (i * 37) % 200;
            s.CentiPercentRh = 4500 + (i * 53) % 300;
            s.Pascal = 100000 + (i * 91) % 500;
            r.Sample = s;
            return r;
        }

        private static byte[] Filled(int size)
        {
            var b = new byte[size];
            for (int i = 0; i < size; i++) b[i] = (byte)(i * 31 + 7);
            return b;
        }

        private static long Now()
        {
            return DateTime.UtcNow.Ticks;
        }

        private static long Elapsed(long startTicks)
        {
            return (Now() - startTicks) / TimeSpan.TicksPerMillisecond;
        }

        private static string Line(string op, long startTicks, int runs)
        {
            long nanosTotal = (Now() - startTicks) * 100;
            return "nanobench op=" + op + " ns_per_op=" + (nanosTotal / runs) + " runs=" + runs;
        }
    }
}
