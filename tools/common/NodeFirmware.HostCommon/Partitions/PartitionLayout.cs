namespace NodeFirmware.HostCommon.Partitions;

/// <summary>Where the boot chain sits on an ESP32's flash, which a partition table must respect.</summary>
/// <param name="RecoveryBootloaderOffset">Where a bootloader/recovery row goes (gen_esp32part's --recovery-bootloader-offset); such a row is refused without it.</param>
public sealed record PartitionLayout(
    uint TableOffset = PartitionLayout.DefaultTableOffset,
    uint BootloaderOffset = PartitionLayout.Esp32BootloaderOffset,
    long? FlashSize = null,
    uint? RecoveryBootloaderOffset = null)
{
    /// <summary>CONFIG_PARTITION_TABLE_OFFSET's default.</summary>
    public const uint DefaultTableOffset = 0x8000;

    /// <summary>The second-stage bootloader's offset on the original ESP32 (0x0 on the C3/S3 and later).</summary>
    public const uint Esp32BootloaderOffset = 0x1000;

    /// <summary>The table occupies one 4 KB flash sector.</summary>
    public const uint TableSectorSize = 0x1000;

    public uint FirstFreeOffset => TableOffset + TableSectorSize;

    /// <summary>The ESP32-S3 (like the C3 and later) boots its second stage from offset 0.</summary>
    public const uint Esp32S3BootloaderOffset = 0x0;

    public static PartitionLayout Esp32(long flashSize) => new(FlashSize: flashSize);

    /// <summary>The layout for a board file's "chip" value.</summary>
    public static PartitionLayout ForChip(string chip, long flashSize) => chip switch
    {
        "esp32" => Esp32(flashSize),
        "esp32s3" => new(BootloaderOffset: Esp32S3BootloaderOffset, FlashSize: flashSize),
        _ => throw new PartitionTableException($"no boot layout known for chip '{chip}'"),
    };

    /// <summary>gen_esp32part refuses to start when the primary bootloader is not below the table.</summary>
    internal void Check()
    {
        if (BootloaderOffset >= TableOffset)
            throw new PartitionTableException(PartitionRefusal.BootLayout,
                $"the bootloader offset 0x{BootloaderOffset:x} is not below the partition table offset 0x{TableOffset:x}; give a table offset above the bootloader");
    }
}
