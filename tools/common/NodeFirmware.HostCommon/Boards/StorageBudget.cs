namespace NodeFirmware.HostCommon.Boards;

/// <summary>
/// What the LittleFS "config" partition (I:\) must hold, in bytes, and whether a partition fits it.
/// The fixed sizes mirror firmware/NodeFirmware.Device/DevicePaths.cs (HostCommon.Tests checks they agree);
/// the reasoning is in bootloader-config/README.md ("Why a second table").
/// </summary>
public static class StorageBudget
{
    public const int SectorSize = 4096;

    /// <summary>NodePlatform.Storage: 2 configuration + 62 journal sectors (DevicePaths.DataSectors).</summary>
    public const int DataSectors = 64;

    /// <summary>Boot state and OTA cursor: one DualCopyStore of two sectors each (DevicePaths.StoreSectors).</summary>
    public const int StoreSectors = 2;
    public const int Stores = 2;

    /// <summary>Manifest of one slot (signed CBOR, under 2 KB) rounded up to a LittleFS block.</summary>
    public const int ManifestBytes = 4096;

    /// <summary>nanoFramework config blocks, device certificate and key, CA, release key, identity bundle, rollback policy.</summary>
    public const int SmallFilesBytes = 16 * 1024;

    /// <summary>LittleFS is copy-on-write: keep at least half the partition free for rewrites and wear levelling.</summary>
    public const double MinFreeFraction = 0.5;

    public static long JournalBytes => (long)DataSectors * SectorSize;
    public static long BootStateBytes => (long)Stores * StoreSectors * SectorSize;

    /// <summary>Two application slots, the journal, boot state and OTA cursor, and the small files.</summary>
    public static long ContentBytes(long appSizeBytes) => 2 * (appSizeBytes + ManifestBytes) + JournalBytes + BootStateBytes + SmallFilesBytes;

    /// <summary>The smallest partition that holds the content and keeps <see cref="MinFreeFraction"/> of it free.</summary>
    public static long RequiredPartitionBytes(long appSizeBytes) => (long)Math.Ceiling(ContentBytes(appSizeBytes) / (1 - MinFreeFraction));

    /// <summary>Null when it fits, else why not.</summary>
    public static string? Check(long appSizeBytes, long partitionBytes)
    {
        long need = RequiredPartitionBytes(appSizeBytes);
        if (partitionBytes >= need) return null;
        return $"config partition of 0x{partitionBytes:x} bytes cannot hold 2 x {appSizeBytes}-byte app slots + {JournalBytes}-byte journal + {BootStateBytes} bytes of boot state and OTA cursor + {SmallFilesBytes} bytes of small files with {MinFreeFraction:P0} free for LittleFS (needs 0x{need:x})";
    }
}
