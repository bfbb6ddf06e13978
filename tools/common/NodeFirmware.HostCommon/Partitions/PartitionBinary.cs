using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace NodeFirmware.HostCommon.Partitions;

/// <summary>
/// The binary partition table the bootloader reads at the table offset: 32-byte little-endian entries
/// (magic 0xAA50, type, subtype, offset, size, 16-byte label, flags), then an MD5 row
/// (0xEBEB, 14 × 0xFF, MD5 of the preceding entries), padded with 0xFF to 0xC00 bytes.
/// </summary>
public static class PartitionBinary
{
    public const int EntrySize = 32;
    public const int TableLength = 0xC00;
    public const ushort EntryMagic = 0x50AA; // bytes AA 50 read little-endian
    public const ushort Md5Magic = 0xEBEB;
    public const uint FlagEncrypted = 1u << 0;
    public const uint FlagReadOnly = 1u << 1;

    public static byte[] Write(PartitionTable table)
    {
        if (table.Entries.Count > PartitionTable.MaxEntries)
            throw new PartitionTableException($"{table.Entries.Count} entries do not fit in the binary table (at most {PartitionTable.MaxEntries})");
        var bin = new byte[TableLength];
        Array.Fill(bin, (byte)0xFF);
        int pos = 0;
        foreach (var e in table.Entries)
        {
            WriteEntry(e, bin.AsSpan(pos, EntrySize));
            pos += EntrySize;
        }
        byte[] md5 = MD5.HashData(bin.AsSpan(0, pos));
        BinaryPrimitives.WriteUInt16LittleEndian(bin.AsSpan(pos), Md5Magic);
        md5.CopyTo(bin, pos + 16);
        return bin;
    }

    /// <summary>Parses a table (0xC00 bytes, or a whole 4 KB sector read back from flash).</summary>
    /// <param name="requireMd5">The bootloader checks the MD5 row when built with CONFIG_PARTITION_TABLE_MD5 (the default); a table without one is refused.</param>
    public static PartitionTable Read(ReadOnlySpan<byte> data, bool requireMd5 = true)
    {
        if (data.Length % EntrySize != 0) throw new PartitionTableException($"binary partition table length {data.Length} is not a multiple of {EntrySize}");
        var entries = new List<PartitionEntry>();
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        bool sawMd5 = false;
        for (int pos = 0; pos < data.Length; pos += EntrySize)
        {
            var row = data.Slice(pos, EntrySize);
            if (IsErased(row))
            {
                if (requireMd5 && !sawMd5) throw new PartitionTableException("binary partition table has no MD5 row before its end marker");
                return new PartitionTable(entries);
            }
            if (sawMd5) throw new PartitionTableException($"entry at byte {pos} follows the MD5 row; expected the 0xFF end marker");
            ushort magic = BinaryPrimitives.ReadUInt16LittleEndian(row);
            if (magic == Md5Magic)
            {
                byte[] expected = md5.GetCurrentHash();
                if (!row.Slice(16, 16).SequenceEqual(expected))
                    throw new PartitionTableException($"MD5 mismatch at byte {pos}: table says {Convert.ToHexStringLower(row.Slice(16, 16))}, entries hash to {Convert.ToHexStringLower(expected)}");
                sawMd5 = true;
                continue;
            }
            if (magic != EntryMagic) throw new PartitionTableException($"entry at byte {pos} has magic 0x{row[0]:x2}{row[1]:x2}, expected 0xaa50");
            md5.AppendData(row);
            entries.Add(ReadEntry(row, pos));
        }
        throw new PartitionTableException("binary partition table has no 0xFF end marker");
    }

    private static void WriteEntry(PartitionEntry e, Span<byte> row)
    {
        byte[] name = Encoding.UTF8.GetBytes(e.Name);
        if (name.Length > PartitionEntry.MaxNameBytes) throw new PartitionTableException($"partition name '{e.Name}' is longer than {PartitionEntry.MaxNameBytes} bytes");
        BinaryPrimitives.WriteUInt16LittleEndian(row, EntryMagic);
        row[2] = e.Type;
        row[3] = e.Subtype;
        BinaryPrimitives.WriteUInt32LittleEndian(row[4..], e.Offset);
        BinaryPrimitives.WriteUInt32LittleEndian(row[8..], e.Size);
        row.Slice(12, 16).Clear();
        name.CopyTo(row[12..]);
        uint flags = (e.Encrypted ? FlagEncrypted : 0) | (e.ReadOnly ? FlagReadOnly : 0);
        BinaryPrimitives.WriteUInt32LittleEndian(row[28..], flags);
    }

    private static PartitionEntry ReadEntry(ReadOnlySpan<byte> row, int pos)
    {
        var label = row.Slice(12, 16);
        int nul = label.IndexOf((byte)0);
        string name;
        try
        {
            name = new UTF8Encoding(false, true).GetString(nul < 0 ? label : label[..nul]);
        }
        catch (DecoderFallbackException)
        {
            throw new PartitionTableException($"entry at byte {pos} has a label that is not UTF-8");
        }
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(row[28..]);
        uint unknown = flags & ~(FlagEncrypted | FlagReadOnly);
        if (unknown != 0) throw new PartitionTableException($"partition '{name}' has unknown flag bits 0x{unknown:x8}");
        return new PartitionEntry(name, row[2], row[3],
            BinaryPrimitives.ReadUInt32LittleEndian(row[4..]), BinaryPrimitives.ReadUInt32LittleEndian(row[8..]),
            (flags & FlagEncrypted) != 0, (flags & FlagReadOnly) != 0);
    }

    private static bool IsErased(ReadOnlySpan<byte> row) => row.IndexOfAnyExcept((byte)0xFF) < 0;
}
