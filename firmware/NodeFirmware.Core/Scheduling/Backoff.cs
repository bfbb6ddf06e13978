using System;
using NodeFirmware.Core.Util;

namespace NodeFirmware.Core.Scheduling
{
    /// <summary>Exponential back-off with jitter between failed connection attempts.</summary>
    public static class Backoff
    {
        /// <summary>
        /// The wait after the <paramref name="consecutiveFailures"/>-th failure in a row: base × 2^(n−1),
        /// capped, then a random point in its upper half so a fleet cut off together does not return together.
        /// </summary>
        public static long DelaySeconds(uint consecutiveFailures, int baseSeconds, int maxSeconds, Random random)
        {
            if (consecutiveFailures == 0) return 0;
            long delay = baseSeconds;
            for (uint i = 1; i < consecutiveFailures && delay < maxSeconds; i++) delay *= 2;
            delay = IntMath.Min(delay, maxSeconds);
            long half = delay / 2;
            return delay - half + random.Next((int)half + 1);
        }
    }
}
