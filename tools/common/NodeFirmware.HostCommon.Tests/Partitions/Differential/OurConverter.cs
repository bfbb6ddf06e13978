using System.Text;
using NodeFirmware.HostCommon.Partitions;

namespace NodeFirmware.HostCommon.Tests.Partitions.Differential;

/// <summary>Ours, doing what one gen_esp32part run does: read a binary or CSV file, verify, check the flash size, write the other form.</summary>
internal static class OurConverter
{
    public static Outcome Run(byte[] input, GenOptions options)
    {
        try
        {
            var layout = options.Layout;
            var table = PartitionTableFile.Read(input, layout, options.Md5);
            table.Validate(layout);
            byte[] output = PartitionTableFile.IsBinary(input)
                ? Encoding.UTF8.GetBytes(PartitionCsv.Write(table))
                : PartitionBinary.Write(table, options.Md5);
            return new Outcome(output, null, string.Join("\n", table.Warnings));
        }
        catch (PartitionTableException e)
        {
            return new Outcome(null, e.Kind, e.Message);
        }
    }
}
