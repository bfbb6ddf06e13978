namespace NodeFirmware.HostCommon.Partitions;

/// <summary>An ordered list of partitions as they appear in the CSV or the binary table.</summary>
public sealed class PartitionTable
{
    /// <summary>Entries that fit before the MD5 row and the 0xFF end marker in the 0xC00-byte table.</summary>
    public const int MaxEntries = PartitionBinary.TableLength / PartitionBinary.EntrySize - 2;

    public const uint AppOffsetAlignment = 0x10000;
    public const uint DataOffsetAlignment = 0x1000;
    public const uint AppSizeAlignment = 0x1000;
    public const uint OtaDataSize = 0x2000;
    public const uint NvsReadWriteMinSize = 0x3000;

    public PartitionTable(IEnumerable<PartitionEntry> entries)
    {
        Entries = entries.ToList();
    }

    public IReadOnlyList<PartitionEntry> Entries { get; }

    public PartitionEntry? Find(string name) => Entries.FirstOrDefault(e => e.Name == name);

    public PartitionEntry Get(string name) =>
        Find(name) ?? throw new PartitionTableException($"no partition named '{name}' (have: {string.Join(", ", Entries.Select(e => e.Name))})");

    /// <summary>Where the last partition ends: the least flash the table needs.</summary>
    public long EndOfLastPartition => Entries.Count == 0 ? 0 : Entries.Max(e => (long)e.Offset + e.Size);

    public static uint OffsetAlignment(byte type) => type == PartitionTypes.App ? AppOffsetAlignment : DataOffsetAlignment;

    /// <summary>Throws <see cref="PartitionTableException"/> naming the first problem: the checks of ESP-IDF's gen_esp32part plus fit in flash.</summary>
    public void Validate(PartitionLayout layout)
    {
        if (Entries.Count == 0) throw new PartitionTableException("partition table is empty");
        if (Entries.Count > MaxEntries)
            throw new PartitionTableException($"partition table has {Entries.Count} entries; at most {MaxEntries} fit in 0x{PartitionBinary.TableLength:x} bytes with the MD5 row");
        foreach (var e in Entries) ValidateEntry(e);

        var duplicate = Entries.GroupBy(e => e.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate != null) throw new PartitionTableException($"partition name '{duplicate.Key}' is used {duplicate.Count()} times; names must be unique");

        PartitionEntry? previous = null;
        foreach (var e in Entries.OrderBy(e => e.Offset))
        {
            if (e.Offset < layout.FirstFreeOffset && !IsBootChainEntry(e))
                throw new PartitionTableException($"partition '{e.Name}' at 0x{e.Offset:x} is below 0x{layout.FirstFreeOffset:x}, the end of the partition table sector at 0x{layout.TableOffset:x}");
            if (previous != null && e.Offset < (long)previous.Offset + previous.Size)
                throw new PartitionTableException($"partition '{e.Name}' at 0x{e.Offset:x} overlaps '{previous.Name}' (0x{previous.Offset:x}-0x{(long)previous.Offset + previous.Size - 1:x})");
            previous = e;
        }

        var otaData = Entries.Where(e => e.Type == PartitionTypes.Data && e.Subtype == PartitionTypes.DataOta).ToList();
        if (otaData.Count > 1) throw new PartitionTableException($"{otaData.Count} otadata partitions (data/ota); at most one is allowed");
        if (otaData.Count == 1 && otaData[0].Size != OtaDataSize)
            throw new PartitionTableException($"otadata partition '{otaData[0].Name}' must be 0x{OtaDataSize:x} bytes, is 0x{otaData[0].Size:x}");

        if (layout.FlashSize is long flash)
        {
            var last = Entries.OrderByDescending(e => (long)e.Offset + e.Size).First();
            if ((long)last.Offset + last.Size > flash)
                throw new PartitionTableException($"partition '{last.Name}' ends at 0x{(long)last.Offset + last.Size:x}, beyond the 0x{flash:x}-byte ({flash / (1024 * 1024)} MB) flash");
        }
    }

    private static bool IsBootChainEntry(PartitionEntry e) =>
        (e.Type == PartitionTypes.Bootloader && e.Subtype == PartitionTypes.BootloaderPrimary) ||
        (e.Type == PartitionTypes.PartitionTable && e.Subtype == PartitionTypes.PartitionTablePrimary);

    private static void ValidateEntry(PartitionEntry e)
    {
        if (e.Name.Length == 0) throw new PartitionTableException($"a partition at 0x{e.Offset:x} has an empty name");
        int nameBytes = System.Text.Encoding.UTF8.GetByteCount(e.Name);
        if (nameBytes > PartitionEntry.MaxNameBytes)
            throw new PartitionTableException($"partition name '{e.Name}' is {nameBytes} bytes; the label field holds {PartitionEntry.MaxNameBytes}");
        if (e.Size == 0) throw new PartitionTableException($"partition '{e.Name}' has size 0");
        if ((long)e.Offset + e.Size > uint.MaxValue) throw new PartitionTableException($"partition '{e.Name}' runs past the 32-bit address space");
        uint align = OffsetAlignment(e.Type);
        if (e.Offset % align != 0)
            throw new PartitionTableException($"partition '{e.Name}' offset 0x{e.Offset:x} is not aligned to 0x{align:x}");
        if (e.Type == PartitionTypes.App && e.Size % AppSizeAlignment != 0)
            throw new PartitionTableException($"app partition '{e.Name}' size 0x{e.Size:x} is not a multiple of 0x{AppSizeAlignment:x}");
        if (e.Type == PartitionTypes.Data && (e.Subtype == PartitionTypes.DataOta || e.Subtype == PartitionTypes.DataCoredump) && e.ReadOnly)
            throw new PartitionTableException($"partition '{e.Name}' ({PartitionTypes.SubtypeName(e.Type, e.Subtype)}) is always read-write and cannot be flagged readonly");
        if (e.Type == PartitionTypes.Data && e.Subtype == PartitionTypes.DataNvs && e.Size < NvsReadWriteMinSize && !e.ReadOnly)
            throw new PartitionTableException($"nvs partition '{e.Name}' of 0x{e.Size:x} bytes must be flagged readonly (read-write NVS needs at least 0x{NvsReadWriteMinSize:x})");
    }
}
