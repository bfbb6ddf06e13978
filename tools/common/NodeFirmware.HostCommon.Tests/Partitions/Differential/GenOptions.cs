using System.Globalization;
using NodeFirmware.HostCommon.Partitions;

namespace NodeFirmware.HostCommon.Tests.Partitions.Differential;

/// <summary>
/// The settings of one gen_esp32part run and the matching layout for ours; written into the reference manifest as
/// "offset=0x8000 bootloader=0x1000 md5=on flash=4MB recovery=-".
/// </summary>
internal sealed record GenOptions(uint TableOffset, uint BootloaderOffset, bool Md5, int? FlashSizeMb, uint? RecoveryOffset)
{
    public static GenOptions Default { get; } = new(0x8000, 0x1000, true, null, null);

    public PartitionLayout Layout => new(TableOffset, BootloaderOffset, FlashSizeMb * 1024L * 1024, RecoveryOffset);

    /// <summary>gen_esp32part's command line options for these settings (input and output paths follow).</summary>
    public IEnumerable<string> Arguments()
    {
        yield return "--quiet";
        yield return "--offset";
        yield return $"0x{TableOffset:x}";
        yield return "--primary-bootloader-offset";
        yield return $"0x{BootloaderOffset:x}";
        if (RecoveryOffset is uint recovery)
        {
            yield return "--recovery-bootloader-offset";
            yield return $"0x{recovery:x}";
        }
        if (FlashSizeMb is int mb)
        {
            yield return "--flash-size";
            yield return $"{mb}MB";
        }
        if (!Md5) yield return "--disable-md5sum";
    }

    public override string ToString() =>
        $"offset=0x{TableOffset:x} bootloader=0x{BootloaderOffset:x} md5={(Md5 ? "on" : "off")} flash={(FlashSizeMb is int mb ? $"{mb}MB" : "-")} recovery={(RecoveryOffset is uint r ? $"0x{r:x}" : "-")}";

    public static GenOptions Parse(string text)
    {
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(f => f.Split('=', 2)).ToDictionary(f => f[0], f => f[1]);
        static uint Hex(string s) => uint.Parse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return new GenOptions(
            Hex(fields["offset"]),
            Hex(fields["bootloader"]),
            fields["md5"] == "on",
            fields["flash"] == "-" ? null : int.Parse(fields["flash"].TrimEnd('M', 'B'), CultureInfo.InvariantCulture),
            fields["recovery"] == "-" ? null : Hex(fields["recovery"]));
    }
}
