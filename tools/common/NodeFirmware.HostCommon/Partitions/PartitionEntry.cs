namespace NodeFirmware.HostCommon.Partitions;

/// <summary>
/// One row of an ESP32 partition table: a named region of flash with a type, subtype and flags. The name is kept as
/// written; the binary table stores its first 16 bytes (<see cref="PartitionLabel"/>).
/// </summary>
public sealed record PartitionEntry(string Name, byte Type, byte Subtype, uint Offset, uint Size, bool Encrypted = false, bool ReadOnly = false)
{
    /// <summary>Longest name the 16-byte label field holds whole (no terminator needed when it is full).</summary>
    public const int MaxNameBytes = PartitionLabel.Length;

    /// <summary>Where it ends; gen_esp32part does not require that to be inside 32 bits.</summary>
    public long End => (long)Offset + Size;

    public override string ToString() =>
        $"{Name} {PartitionTypes.TypeName(Type)}/{PartitionTypes.SubtypeName(Type, Subtype)} @0x{Offset:x} size 0x{Size:x}";
}
