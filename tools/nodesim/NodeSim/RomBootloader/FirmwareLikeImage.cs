namespace NodeSim.RomBootloader;

/// <summary>
/// A stand-in for an application image (1.5 MB by default) for flashing tests and benchmarks that deflates like one (to roughly 60 %): repeated instruction-like
/// byte patterns, literal-pool-like random runs and zeroed tables.
/// </summary>
public static class FirmwareLikeImage
{
    public const int Size = 1536 * 1024;

    public static byte[] Create(int seed, int size = Size)
    {
        var random = new Random(seed);
        var bytes = new byte[size];
        var patterns = new byte[64][];
        for (int i = 0; i < patterns.Length; i++)
        {
            patterns[i] = new byte[random.Next(3, 12)];
            random.NextBytes(patterns[i]);
        }

        int at = 0;
        while (at < size)
        {
            int choice = random.Next(10);
            int n;
            if (choice < 3)
            {
                var pattern = patterns[random.Next(patterns.Length)];
                n = Math.Min(pattern.Length, size - at);
                pattern.AsSpan(0, n).CopyTo(bytes.AsSpan(at));
            }
            else if (choice < 9)
            {
                n = Math.Min(random.Next(4, 16), size - at);
                random.NextBytes(bytes.AsSpan(at, n));
            }
            else
            {
                n = Math.Min(random.Next(8, 64), size - at); // zeroed table
            }

            at += n;
        }

        return bytes;
    }
}
