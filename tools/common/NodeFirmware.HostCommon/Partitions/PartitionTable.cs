namespace NodeFirmware.HostCommon.Partitions;

/// <summary>An ordered list of partitions as they appear in the CSV or the binary table.</summary>
public sealed class PartitionTable
{
    /// <summary>Entries that fit before the MD5 row and the 0xFF end marker in the 0xC00-byte table.</summary>
    public static readonly int MaxEntries = PartitionBinary.MaxEntries(md5: true);

    public const uint AppOffsetAlignment = 0x10000;
    public const uint DataOffsetAlignment = 0x1000;
    public const uint AppSizeAlignment = 0x1000;
    public const uint OtaDataSize = 0x2000;
    public const uint NvsReadWriteMinSize = 0x3000;

    public PartitionTable(IEnumerable<PartitionEntry> entries, IEnumerable<string>? warnings = null)
    {
        Entries = entries.ToList();
        Warnings = warnings?.ToList() ?? new List<string>();
    }

    public IReadOnlyList<PartitionEntry> Entries { get; }

    /// <summary>What the reader noticed but gen_esp32part accepts: long names it truncates, unknown flag bits it drops.</summary>
    public IReadOnlyList<string> Warnings { get; }

    public PartitionEntry? Find(string name) => Entries.FirstOrDefault(e => e.Name == name);

    public PartitionEntry Get(string name) =>
        Find(name) ?? throw new PartitionTableException($"no partition named '{name}' (have: {string.Join(", ", Entries.Select(e => e.Name))})");

    /// <summary>Where the last partition ends: the least flash the table needs.</summary>
    public long EndOfLastPartition => Entries.Count == 0 ? 0 : Entries.Max(e => e.End);

    /// <summary>gen_esp32part aligns app partitions to 64 KB and every other type (data, bootloader, table, custom) to 4 KB.</summary>
    public static uint OffsetAlignment(byte type) => type == PartitionTypes.App ? AppOffsetAlignment : DataOffsetAlignment;

    /// <summary>
    /// Throws <see cref="PartitionTableException"/> naming the first problem, checking what gen_esp32part's verify
    /// checks in the order it checks it (each partition, then names, then overlaps, then otadata), then the flash size.
    /// Like gen_esp32part it accepts an empty table, empty or long names, size 0 and partitions ending past 4 GB.
    /// </summary>
    public void Validate(PartitionLayout layout)
    {
        layout.Check();
        foreach (var e in Entries) ValidateEntry(e);

        var duplicate = Entries.GroupBy(e => e.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate != null)
            throw new PartitionTableException(PartitionRefusal.DuplicateName, $"partition name '{duplicate.Key}' is used {duplicate.Count()} times; names must be unique");

        PartitionEntry? previous = null;
        foreach (var e in Entries.OrderBy(e => e.Offset))
        {
            if (e.Offset < layout.FirstFreeOffset && !IsBootChainEntry(e))
                throw new PartitionTableException(PartitionRefusal.BelowTable,
                    $"partition '{e.Name}' at 0x{e.Offset:x} is below 0x{layout.FirstFreeOffset:x}, the end of the partition table sector at 0x{layout.TableOffset:x}; move it up");
            if (previous != null && e.Offset < previous.End)
                throw new PartitionTableException(PartitionRefusal.Overlap,
                    $"partition '{e.Name}' at 0x{e.Offset:x} overlaps '{previous.Name}' (0x{previous.Offset:x}-0x{previous.End - 1:x}); move or shrink one of them");
            previous = e;
        }

        CheckOtaData(PartitionTypes.DataOta, "otadata");
        CheckOtaData(PartitionTypes.DataTeeOta, "TEE otadata");

        if (layout.FlashSize is long flash && Entries.Count > 0)
        {
            // gen_esp32part's fit check takes the partition with the highest offset (the first such in table order)
            // and compares its end with the flash size, rather than the greatest end: a zero-size partition sharing
            // that offset with a later one hides the later one's end.
            var last = Entries.OrderByDescending(e => e.Offset).First();
            if (last.End > flash)
                throw new PartitionTableException(PartitionRefusal.DoesNotFitFlash,
                    $"partition '{last.Name}' ends at 0x{last.End:x}, beyond the 0x{flash:x}-byte ({flash / (1024 * 1024)} MB) flash; shrink it or give the board's real flash size");
        }
    }

    private void CheckOtaData(byte subtype, string what)
    {
        var found = Entries.Where(e => e.Type == PartitionTypes.Data && e.Subtype == subtype).ToList();
        if (found.Count > 1)
            throw new PartitionTableException(PartitionRefusal.OtaData,
                $"{found.Count} {what} partitions ({string.Join(", ", found.Select(e => e.Name))}, data/{PartitionTypes.SubtypeName(PartitionTypes.Data, subtype)}); keep one");
        if (found.Count == 1 && found[0].Size != OtaDataSize)
            throw new PartitionTableException(PartitionRefusal.OtaData,
                $"{what} partition '{found[0].Name}' must be 0x{OtaDataSize:x} bytes, is 0x{found[0].Size:x}");
    }

    private static bool IsBootChainEntry(PartitionEntry e) =>
        (e.Type == PartitionTypes.Bootloader && e.Subtype == PartitionTypes.BootloaderPrimary) ||
        (e.Type == PartitionTypes.PartitionTable && e.Subtype == PartitionTypes.PartitionTablePrimary);

    private static void ValidateEntry(PartitionEntry e)
    {
        uint align = OffsetAlignment(e.Type);
        if (e.Offset % align != 0)
            throw new PartitionTableException(PartitionRefusal.OffsetAlignment,
                $"partition '{e.Name}' offset 0x{e.Offset:x} is not aligned to 0x{align:x}; round it up to 0x{(e.Offset + (long)align - 1) / align * align:x}");
        // Without --secure v1, gen_esp32part wants app sizes in whole 4 KB sectors (v1 would want 64 KB; not modelled).
        if (e.Type == PartitionTypes.App && e.Size % AppSizeAlignment != 0)
            throw new PartitionTableException(PartitionRefusal.SizeAlignment,
                $"app partition '{e.Name}' size 0x{e.Size:x} is not a multiple of 0x{AppSizeAlignment:x}");
        if (e.Type == PartitionTypes.Data && (e.Subtype == PartitionTypes.DataOta || e.Subtype == PartitionTypes.DataCoredump) && e.ReadOnly)
            throw new PartitionTableException(PartitionRefusal.ReadOnlyNotAllowed,
                $"partition '{e.Name}' ({PartitionTypes.SubtypeName(e.Type, e.Subtype)}) is always read-write and cannot be flagged readonly");
        if (e.Type == PartitionTypes.Data && e.Subtype == PartitionTypes.DataNvs && e.Size < NvsReadWriteMinSize && !e.ReadOnly)
            throw new PartitionTableException(PartitionRefusal.NvsNeedsReadOnly,
                $"nvs partition '{e.Name}' of 0x{e.Size:x} bytes must be flagged readonly (read-write NVS needs at least 0x{NvsReadWriteMinSize:x})");
    }
}
