namespace NodeFirmware.HostCommon.Partitions;

/// <summary>One row of an ESP32 partition table: a named region of flash with a type, subtype and flags.</summary>
public sealed record PartitionEntry(string Name, byte Type, byte Subtype, uint Offset, uint Size, bool Encrypted = false, bool ReadOnly = false)
{
    /// <summary>Longest label the 16-byte binary field holds (no terminator needed when it is full).</summary>
    public const int MaxNameBytes = 16;

    public uint End => Offset + Size;

    public override string ToString() =>
        $"{Name} {PartitionTypes.TypeName(Type)}/{PartitionTypes.SubtypeName(Type, Subtype)} @0x{Offset:x} size 0x{Size:x}";
}
