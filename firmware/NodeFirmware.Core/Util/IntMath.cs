namespace NodeFirmware.Core.Util
{
    /// <summary>The few integer helpers Core needs; nanoFramework's mscorlib has no System.Math.</summary>
    public static class IntMath
    {
        public static int Min(int a, int b) { return a < b ? a : b; }

        public static int Max(int a, int b) { return a > b ? a : b; }

        public static long Min(long a, long b) { return a < b ? a : b; }

        public static long Max(long a, long b) { return a > b ? a : b; }

        public static int Clamp(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }

        public static long Clamp(long v, long lo, long hi) { return v < lo ? lo : (v > hi ? hi : v); }

        public static int Abs(int v) { return v < 0 ? -v : v; }

        public static long Abs(long v) { return v < 0 ? -v : v; }

        /// <summary>Integer division rounding to the nearest, halves away from zero.</summary>
        public static long DivRound(long numerator, long denominator)
        {
            long half = denominator / 2;
            return (numerator >= 0) == (denominator >= 0) ? (numerator + half) / denominator : (numerator - half) / denominator;
        }
    }
}
