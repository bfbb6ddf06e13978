using System.Text;

namespace NodeFirmware.HostCommon.Partitions;

/// <summary>
/// The CSV form ESP-IDF's gen_esp32part accepts: <c>Name, Type, SubType, Offset, Size, Flags</c>, '#' comments,
/// keywords or numbers for type and subtype, sizes with K/M suffixes, an empty offset meaning "right after the
/// previous partition, aligned", a negative size meaning "up to this address", flags "encrypted" and "readonly"
/// separated by ':'.
/// </summary>
public static class PartitionCsv
{
    public static PartitionTable Parse(string csv, PartitionLayout? layout = null)
    {
        layout ??= new PartitionLayout();
        var rows = new List<Row>();
        string[] lines = csv.TrimStart('\uFEFF').Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            try
            {
                rows.Add(ParseRow(line, i + 1, layout));
            }
            catch (PartitionTableException e)
            {
                throw new PartitionTableException($"line {i + 1}: {e.Message}");
            }
        }

        long lastEnd = layout.FirstFreeOffset;
        var entries = new List<PartitionEntry>();
        foreach (var r in rows)
        {
            if (!r.IsBootChain)
            {
                if (r.Offset is long given && given < lastEnd)
                {
                    throw new PartitionTableException(entries.Count == 0
                        ? $"line {r.Line}: partition '{r.Name}' at 0x{given:x} overlaps the partition table sector (0x{layout.TableOffset:x}-0x{layout.FirstFreeOffset - 1:x})"
                        : $"line {r.Line}: partition '{r.Name}' at 0x{given:x} overlaps the previous partition, which ends at 0x{lastEnd:x}");
                }
                if (r.Offset is null)
                {
                    uint align = PartitionTable.OffsetAlignment(r.Type);
                    if (lastEnd % align != 0) lastEnd += align - lastEnd % align;
                    r.Offset = lastEnd;
                }
            }
            long offset = r.Offset!.Value;
            long size = r.Size < 0 ? -r.Size - offset : r.Size;
            if (size <= 0) throw new PartitionTableException($"line {r.Line}: partition '{r.Name}' has size {size}");
            if (offset + size > uint.MaxValue) throw new PartitionTableException($"line {r.Line}: partition '{r.Name}' runs past the 32-bit address space");
            if (!r.IsBootChain) lastEnd = offset + size;
            entries.Add(new PartitionEntry(r.Name, r.Type, r.Subtype, (uint)offset, (uint)size, r.Encrypted, r.ReadOnly));
        }
        return new PartitionTable(entries);
    }

    public static string Write(PartitionTable table)
    {
        var sb = new StringBuilder();
        sb.Append("# ESP-IDF Partition Table\n");
        sb.Append("# Name, Type, SubType, Offset, Size, Flags\n");
        foreach (var e in table.Entries)
        {
            var flags = new List<string>();
            if (e.Encrypted) flags.Add("encrypted");
            if (e.ReadOnly) flags.Add("readonly");
            sb.Append(e.Name).Append(',')
              .Append(PartitionTypes.TypeName(e.Type)).Append(',')
              .Append(PartitionTypes.SubtypeName(e.Type, e.Subtype)).Append(',')
              .Append($"0x{e.Offset:x}").Append(',')
              .Append(PartitionNumber.FormatSize(e.Size)).Append(',')
              .Append(string.Join(':', flags)).Append('\n');
        }
        return sb.ToString();
    }

    private sealed class Row
    {
        public int Line;
        public string Name = "";
        public byte Type;
        public byte Subtype;
        public long? Offset;
        public long Size;
        public bool Encrypted;
        public bool ReadOnly;
        public bool IsBootChain;
    }

    private static Row ParseRow(string line, int lineNo, PartitionLayout layout)
    {
        if (line.Contains('$')) throw new PartitionTableException("environment variables ($NAME) are not supported in partition CSVs here");
        string[] raw = (line + ",,,,").Split(',');
        string[] f = raw.Select(s => s.Trim()).ToArray();
        if (raw.Length > 10 || f.Skip(6).Any(s => s.Length > 0)) throw new PartitionTableException($"too many fields; expected Name, Type, SubType, Offset, Size, Flags");
        var r = new Row { Line = lineNo, Name = f[0] };
        if (r.Name.Length == 0) throw new PartitionTableException("name is empty");
        if (f[1].Length == 0) throw new PartitionTableException($"partition '{r.Name}': type is empty");
        if (!PartitionTypes.TryParseType(f[1], out r.Type))
            throw new PartitionTableException($"partition '{r.Name}': type '{f[1]}' is not app, data, bootloader, partition_table or a number 0x00-0xfe");

        if (f[2].Length == 0)
        {
            if (r.Type == PartitionTypes.App) throw new PartitionTableException($"app partition '{r.Name}' needs a subtype");
            r.Subtype = PartitionTypes.DataUndefined;
        }
        else if (!PartitionTypes.TryParseSubtype(r.Type, f[2], out r.Subtype))
        {
            throw new PartitionTableException($"partition '{r.Name}': subtype '{f[2]}' is not valid for type {PartitionTypes.TypeName(r.Type)} (known: {string.Join(", ", PartitionTypes.KnownSubtypeNames(r.Type))}, or a number)");
        }

        if (r.Type == PartitionTypes.Bootloader && r.Subtype == PartitionTypes.BootloaderPrimary)
        {
            r.IsBootChain = true;
            r.Offset = layout.BootloaderOffset;
            r.Size = layout.TableOffset - layout.BootloaderOffset;
        }
        else if (r.Type == PartitionTypes.PartitionTable && r.Subtype == PartitionTypes.PartitionTablePrimary)
        {
            r.IsBootChain = true;
            r.Offset = layout.TableOffset;
            r.Size = PartitionLayout.TableSectorSize;
        }
        else
        {
            if (f[3].Length > 0) r.Offset = Number(f[3], r.Name, "offset");
            if (r.Offset < 0) throw new PartitionTableException($"partition '{r.Name}': offset {f[3]} is negative");
            if (f[4].Length == 0) throw new PartitionTableException($"partition '{r.Name}': size is empty");
            r.Size = Number(f[4], r.Name, "size");
            if (r.Size == 0) throw new PartitionTableException($"partition '{r.Name}': size is 0");
        }

        foreach (string flag in f[5].Split(':', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (flag == "encrypted") r.Encrypted = true;
            else if (flag == "readonly") r.ReadOnly = true;
            else throw new PartitionTableException($"partition '{r.Name}': unknown flag '{flag}' (known: encrypted, readonly)");
        }
        return r;
    }

    private static long Number(string text, string name, string field)
    {
        if (!PartitionNumber.TryParse(text, out long v))
            throw new PartitionTableException($"partition '{name}': {field} '{text}' is not a number (decimal, 0x hex, optional K or M)");
        return v;
    }
}
