using System.Buffers.Binary;
using System.Security.Cryptography;

namespace NodeFirmware.HostCommon.Partitions;

/// <summary>
/// The binary partition table the bootloader reads at the table offset, byte for byte as ESP-IDF's gen_esp32part.py
/// (1.5) writes and reads it: 32-byte little-endian entries (magic AA 50, type, subtype, offset, size, 16-byte label,
/// flags), then, unless disabled, an MD5 row (EB EB, 14 × FF, MD5 of the entry rows), padded with 0xFF to 0xC00 bytes.
/// </summary>
public static class PartitionBinary
{
    public const int EntrySize = 32;
    public const int TableLength = 0xC00;
    public const ushort EntryMagic = 0x50AA; // bytes AA 50 read little-endian
    public const ushort Md5Magic = 0xEBEB;
    public const uint FlagEncrypted = 1u << 0;
    public const uint FlagReadOnly = 1u << 1;

    /// <summary>
    /// gen_esp32part refuses a table whose rows (entries, plus the MD5 row) reach 0xC00 bytes: at least one 0xFF row
    /// must remain, the end marker. So 94 entries with the MD5 row, 95 without.
    /// </summary>
    public static int MaxEntries(bool md5) => (TableLength - 1) / EntrySize - (md5 ? 1 : 0);

    /// <param name="md5">false = gen_esp32part's --disable-md5sum (CONFIG_PARTITION_TABLE_MD5=n): no MD5 row.</param>
    public static byte[] Write(PartitionTable table, bool md5 = true)
    {
        int rows = table.Entries.Count + (md5 ? 1 : 0);
        if (table.Entries.Count > MaxEntries(md5))
            throw new PartitionTableException(PartitionRefusal.TooManyEntries,
                $"{table.Entries.Count} partitions{(md5 ? " and the MD5 row" : "")} take {rows * EntrySize} bytes, leaving no room for the end marker in the 0x{TableLength:x}-byte table (at most {MaxEntries(md5)} partitions); merge or drop partitions");
        var bin = new byte[TableLength];
        Array.Fill(bin, (byte)0xFF);
        int pos = 0;
        foreach (var e in table.Entries)
        {
            WriteEntry(e, bin.AsSpan(pos, EntrySize));
            pos += EntrySize;
        }
        if (md5)
        {
            byte[] digest = MD5.HashData(bin.AsSpan(0, pos));
            BinaryPrimitives.WriteUInt16LittleEndian(bin.AsSpan(pos), Md5Magic);
            digest.CopyTo(bin, pos + 16);
        }
        return bin;
    }

    /// <summary>
    /// Parses a table as gen_esp32part does: rows up to the first all-0xFF row (so a whole 4 KB sector read back from
    /// flash parses, and whatever follows the end marker is ignored). The MD5 row is optional; where it is, it must
    /// match the entries before it, and entries may follow it (the bootloader's esp_partition_table_verify accepts
    /// both as well). Unknown flag bits are dropped with a warning in <see cref="PartitionTable.Warnings"/>.
    /// </summary>
    /// <param name="md5">false = --disable-md5sum: an EB EB row is not an MD5 row but an entry with a bad magic.</param>
    public static PartitionTable Read(ReadOnlySpan<byte> data, bool md5 = true)
    {
        var entries = new List<PartitionEntry>();
        var warnings = new List<string>();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        for (int pos = 0; pos < data.Length; pos += EntrySize)
        {
            if (data.Length - pos < EntrySize)
                throw new PartitionTableException(PartitionRefusal.BadLength,
                    $"binary partition table stops at byte {data.Length}, inside the 32-byte row at {pos} and before any end marker; read the whole table (0x{TableLength:x} bytes)");
            var row = data.Slice(pos, EntrySize);
            if (row.IndexOfAnyExcept((byte)0xFF) < 0) return new PartitionTable(entries, warnings);
            // Only the two magic bytes mark the MD5 row; the 14 bytes after them are not checked.
            if (md5 && BinaryPrimitives.ReadUInt16LittleEndian(row) == Md5Magic)
            {
                byte[] expected = hash.GetCurrentHash();
                if (!row.Slice(16, 16).SequenceEqual(expected))
                    throw new PartitionTableException(PartitionRefusal.Md5Mismatch,
                        $"MD5 mismatch at byte {pos}: the table says {Convert.ToHexStringLower(row.Slice(16, 16))}, its entries hash to {Convert.ToHexStringLower(expected)}; the table is damaged, write it again from its CSV");
                continue;
            }
            hash.AppendData(row);
            entries.Add(ReadEntry(row, pos, md5, warnings));
        }
        throw new PartitionTableException(PartitionRefusal.NoEndMarker,
            $"binary partition table has no end marker (a row of 32 × 0xFF) in its {data.Length} bytes; read the whole table (0x{TableLength:x} bytes)");
    }

    private static void WriteEntry(PartitionEntry e, Span<byte> row)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(row, EntryMagic);
        row[2] = e.Type;
        row[3] = e.Subtype;
        BinaryPrimitives.WriteUInt32LittleEndian(row[4..], e.Offset);
        BinaryPrimitives.WriteUInt32LittleEndian(row[8..], e.Size);
        PartitionLabel.Write(e.Name, row.Slice(12, PartitionLabel.Length));
        uint flags = (e.Encrypted ? FlagEncrypted : 0) | (e.ReadOnly ? FlagReadOnly : 0);
        BinaryPrimitives.WriteUInt32LittleEndian(row[28..], flags);
    }

    private static PartitionEntry ReadEntry(ReadOnlySpan<byte> row, int pos, bool md5, List<string> warnings)
    {
        // gen_esp32part decodes the label before it looks at the magic, so an MD5 row read without MD5 support (its
        // label bytes start with 0xFF) fails on the label.
        ushort magic = BinaryPrimitives.ReadUInt16LittleEndian(row);
        string md5Hint = magic == Md5Magic && !md5 ? "; this is an MD5 row, and the table was read as having none: read it without --disable-md5sum" : "";
        string name = PartitionLabel.Read(row.Slice(12, PartitionLabel.Length))
            ?? throw new PartitionTableException(PartitionRefusal.LabelNotUtf8, md5Hint.Length > 0
                ? $"row at byte {pos} is not an entry{md5Hint}"
                : $"entry at byte {pos} has a label that is not UTF-8 ({Convert.ToHexStringLower(row.Slice(12, PartitionLabel.Length))}); rebuild the table from a CSV whose names fit 16 bytes");
        if (magic != EntryMagic)
            throw new PartitionTableException(PartitionRefusal.BadMagic,
                $"row at byte {pos} starts {row[0]:x2} {row[1]:x2}; an entry starts aa 50, the MD5 row eb eb, the end marker is all ff{(md5Hint.Length > 0 ? md5Hint : "; this is not a partition table or it is damaged")}");
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(row[28..]);
        uint unknown = flags & ~(FlagEncrypted | FlagReadOnly);
        if (unknown != 0)
            warnings.Add($"partition '{name}' has unknown flag bits 0x{unknown:x8} (a newer table format?); they are ignored");
        return new PartitionEntry(name, row[2], row[3],
            BinaryPrimitives.ReadUInt32LittleEndian(row[4..]), BinaryPrimitives.ReadUInt32LittleEndian(row[8..]),
            (flags & FlagEncrypted) != 0, (flags & FlagReadOnly) != 0);
    }
}
