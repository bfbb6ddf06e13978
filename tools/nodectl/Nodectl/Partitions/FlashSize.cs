using NodeFirmware.HostCommon.Partitions;

namespace NodeFirmware.Nodectl.Partitions;

/// <summary>Flash sizes as an operator types them: "4MB", "4M", "16MB" or a byte count.</summary>
public static class FlashSize
{
    public static long Parse(string text)
    {
        string t = text.Trim();
        if (t.EndsWith("MB", StringComparison.OrdinalIgnoreCase)) t = t[..^1];
        if (!PartitionNumber.TryParse(t, out long bytes) || bytes < 1024 * 1024 || (bytes & (bytes - 1)) != 0)
            throw new PartitionTableException($"flash size '{text}' is not a power of two of at least 1MB (e.g. 4MB)");
        return bytes;
    }
}
