using System.Text.Json.Serialization;

namespace NodeFirmware.HostCommon.Boards;

/// <summary>bootloader-config/flash-layout-*.json as written: which image goes at which flash offset.</summary>
public sealed class FlashLayoutFile
{
    [JsonRequired] public int Schema { get; set; }
    [JsonRequired] public string Chip { get; set; } = "";
    [JsonRequired] public long FlashSizeBytes { get; set; }
    [JsonRequired] public string PartitionTable { get; set; } = "";
    [JsonRequired] public string TableOffset { get; set; } = "";
    [JsonRequired] public List<FlashImageEntry> Images { get; set; } = new();
    public List<UnwrittenPartition> NotWritten { get; set; } = new();
}

public sealed class FlashImageEntry
{
    [JsonRequired] public string Name { get; set; } = "";
    [JsonRequired] public string File { get; set; } = "";

    /// <summary>Hex offset, e.g. "0x10000".</summary>
    [JsonRequired] public string Offset { get; set; } = "";

    /// <summary>Largest image that fits when the image has no partition (e.g. the bootloader before the table).</summary>
    public string? MaxBytes { get; set; }

    /// <summary>The partition the image fills, or null for the boot chain (bootloader, table).</summary>
    public string? Partition { get; set; }
    [JsonRequired] public string Source { get; set; } = "";
}

public sealed class UnwrittenPartition
{
    [JsonRequired] public string Partition { get; set; } = "";
    [JsonRequired] public string Why { get; set; } = "";
}

/// <summary>One image to flash, resolved: where it goes and how big it may be.</summary>
public sealed record FlashImagePlacement(string Name, string File, uint Offset, uint MaxBytes, string? Partition);
