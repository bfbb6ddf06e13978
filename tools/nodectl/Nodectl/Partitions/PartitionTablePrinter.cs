using NodeFirmware.HostCommon.Partitions;

namespace NodeFirmware.Nodectl.Partitions;

/// <summary>Writes a partition table as an aligned text table with ends and sizes an operator can check by eye.</summary>
public static class PartitionTablePrinter
{
    public static void Print(PartitionTable table, long? flashSize, TextWriter output)
    {
        output.WriteLine($"{"Name",-16} {"Type",-15} {"Subtype",-9} {"Offset",10} {"End",10} {"Size",10} {"KB",6}  Flags");
        foreach (var e in table.Entries)
        {
            var flags = new List<string>();
            if (e.Encrypted) flags.Add("encrypted");
            if (e.ReadOnly) flags.Add("readonly");
            output.WriteLine($"{e.Name,-16} {PartitionTypes.TypeName(e.Type),-15} {PartitionTypes.SubtypeName(e.Type, e.Subtype),-9} {"0x" + e.Offset.ToString("x6"),10} {"0x" + e.End.ToString("x6"),10} {"0x" + e.Size.ToString("x"),10} {e.Size / 1024,6}  {string.Join(':', flags)}");
        }
        long used = table.EndOfLastPartition;
        output.WriteLine(flashSize is long f
            ? $"{table.Entries.Count} partitions, last ends at 0x{used:x} of 0x{f:x} flash ({(f - used) / 1024} KB unused at the end)"
            : $"{table.Entries.Count} partitions, last ends at 0x{used:x}");
    }
}
