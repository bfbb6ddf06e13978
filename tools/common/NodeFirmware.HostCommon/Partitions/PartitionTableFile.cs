namespace NodeFirmware.HostCommon.Partitions;

/// <summary>A partition table file of either form, told apart the way gen_esp32part tells them apart.</summary>
public static class PartitionTableFile
{
    /// <summary>gen_esp32part takes a file for a binary table when it starts with an entry's magic AA 50, else for CSV text.</summary>
    public static bool IsBinary(ReadOnlySpan<byte> data) => data.Length >= 2 && data[0] == 0xAA && data[1] == 0x50;

    /// <param name="md5">false = --disable-md5sum (binary tables only).</param>
    public static PartitionTable Read(byte[] data, PartitionLayout layout, bool md5 = true) =>
        IsBinary(data) ? PartitionBinary.Read(data, md5) : PartitionCsv.Parse(data, layout);
}
