using NodeFirmware.Core.Crypto;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Storage;
using NodeFirmware.Core.Util;

namespace NodeFirmware.Core.Provisioning
{
    /// <summary>
    /// This boot's challenge for a signed FACTORY_RESET: SHA-256 of a domain string, a boot counter kept in a
    /// <see cref="DualCopyStore"/> and the host's random bytes, cut to 16 bytes. The counter is written before the
    /// challenge is used, so two boots never issue the same challenge even if the random source repeats itself
    /// after a power-on (the ESP32's RNG is only specified as truly random while the radio runs, and the window runs
    /// with it off); the random bytes keep the next challenge unpredictable as far as the source allows.
    /// </summary>
    public static class ResetChallenge
    {
        private const string Domain = "nodefirmware reset challenge v1";
        private const int CounterSize = 8;

        /// <summary>Increments the counter in <paramref name="counterStore"/> (two sectors from <paramref name="firstSector"/>) and makes the challenge. Throws when the flash does.</summary>
        public static byte[] Next(IFlash counterStore, int firstSector, byte[] random)
        {
            if (random == null || random.Length < FactoryResetAuthorization.NonceSize) throw new System.ArgumentException("at least 16 random bytes");
            var store = new DualCopyStore(counterStore, firstSector);
            long counter = Read(store.Read()) + 1;
            var record = new byte[CounterSize];
            for (int i = 0; i < CounterSize; i++) record[i] = (byte)(counter >> (8 * i));
            store.Write(record);
            if (Read(store.Read()) != counter) throw new System.InvalidOperationException("the boot counter did not persist");

            byte[] domain = Utf8.GetBytes(Domain);
            var input = new byte[domain.Length + CounterSize + random.Length];
            System.Array.Copy(domain, 0, input, 0, domain.Length);
            System.Array.Copy(record, 0, input, domain.Length, CounterSize);
            System.Array.Copy(random, 0, input, domain.Length + CounterSize, random.Length);
            byte[] digest = Sha256.Hash(input);
            var challenge = new byte[FactoryResetAuthorization.NonceSize];
            System.Array.Copy(digest, 0, challenge, 0, challenge.Length);
            return challenge;
        }

        /// <summary>The counter a record holds; 0 for none or a record of another size (a fresh or foreign store).</summary>
        private static long Read(byte[] record)
        {
            if (record == null || record.Length != CounterSize) return 0;
            long value = 0;
            for (int i = CounterSize - 1; i >= 0; i--) value = (value << 8) | record[i];
            return value < 0 ? 0 : value;
        }
    }
}
