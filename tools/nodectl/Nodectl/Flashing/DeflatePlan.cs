using System.IO.Compression;

namespace NodeFirmware.Nodectl.Flashing;

/// <summary>How many bytes each compressed block inflates to, so each FLASH_DEFL_DATA gets a timeout that fits its write.</summary>
public static class DeflatePlan
{
    public static long[] InflatedBytesPerBlock(byte[] compressed, int blockSize)
    {
        int blocks = (compressed.Length + blockSize - 1) / blockSize;
        var result = new long[blocks];
        var feed = new ChunkFeedStream();
        using var inflater = new ZLibStream(feed, CompressionMode.Decompress);
        var sink = new byte[64 * 1024];
        for (int seq = 0; seq < blocks; seq++)
        {
            int start = seq * blockSize;
            feed.Add(compressed.AsMemory(start, Math.Min(blockSize, compressed.Length - start)));
            int n;
            while ((n = inflater.Read(sink)) > 0)
            {
                result[seq] += n;
            }
        }

        return result;
    }
}
