using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;

namespace NodeFirmware.HostCommon.Partitions;

/// <summary>
/// The CSV form of ESP-IDF's gen_esp32part.py (1.5), read and written as it does: <c>Name, Type, SubType, Offset,
/// Size, Flags</c>, '#' comments, keywords or numbers for type and subtype, numbers with K/M suffixes, an empty offset
/// meaning "right after the previous partition, aligned", a negative size meaning "up to this address", flags
/// "encrypted" and "readonly" separated by ':'. The rules it applies are noted where they are used.
/// </summary>
public static partial class PartitionCsv
{
    /// <summary>
    /// Text as gen_esp32part decodes a CSV file: by its byte order mark (UTF-8, UTF-16, UTF-32 BE; a UTF-32 LE mark
    /// reads as UTF-16, as there), otherwise strict UTF-8.
    /// </summary>
    public static string Decode(byte[] data)
    {
        try
        {
            if (data.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF })) return new UTF8Encoding(false, true).GetString(data, 3, data.Length - 3);
            if (data.AsSpan().StartsWith(new byte[] { 0xFF, 0xFE })) return new UnicodeEncoding(false, false, true).GetString(data, 2, data.Length - 2);
            if (data.AsSpan().StartsWith(new byte[] { 0xFE, 0xFF })) return new UnicodeEncoding(true, false, true).GetString(data, 2, data.Length - 2);
            if (data.AsSpan().StartsWith(new byte[] { 0x00, 0x00, 0xFE, 0xFF })) return new UTF32Encoding(true, false, true).GetString(data, 4, data.Length - 4);
            return new UTF8Encoding(false, true).GetString(data);
        }
        catch (Exception e) when (e is DecoderFallbackException or ArgumentException)
        {
            throw new PartitionTableException(PartitionRefusal.Encoding, "the partition CSV is not UTF-8 text (nor UTF-16 with a byte order mark); save it as UTF-8");
        }
    }

    public static PartitionTable Parse(byte[] data, PartitionLayout? layout = null) => Parse(Decode(data), layout);

    public static PartitionTable Parse(string csv, PartitionLayout? layout = null)
    {
        layout ??= new PartitionLayout();
        layout.Check();
        var rows = new List<Row>();
        var lines = PythonText.SplitLines(csv);
        for (int i = 0; i < lines.Count; i++)
        {
            string line = PythonText.Strip(lines[i]);
            if (line.Length == 0 || line.StartsWith('#')) continue;
            try
            {
                rows.Add(ParseRow(line, i + 1, layout));
            }
            catch (PartitionTableException e)
            {
                throw new PartitionTableException(e.Kind, $"line {i + 1}: {e.Message}");
            }
        }
        PlaceRows(rows, layout);
        var entries = rows.Select(ToEntry).ToList();
        return new PartitionTable(entries, PartitionLabel.Warnings(entries));
    }

    /// <summary>The table as gen_esp32part writes a binary table back to CSV, byte for byte.</summary>
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
              .Append(PartitionTypes.CsvTypeName(e.Type)).Append(',')
              .Append(PartitionTypes.CsvSubtypeName(e.Type, e.Subtype)).Append(',')
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
        public BigInteger Type;
        public BigInteger Subtype;
        public BigInteger? Offset;
        public BigInteger Size;
        public bool Encrypted;
        public bool ReadOnly;

        /// <summary>The primary bootloader and primary table rows sit where the layout says and take no part in placing the others.</summary>
        public bool IsPrimaryBootChain =>
            (Type == PartitionTypes.Bootloader && Subtype == PartitionTypes.BootloaderPrimary) ||
            (Type == PartitionTypes.PartitionTable && Subtype == PartitionTypes.PartitionTablePrimary);
    }

    /// <summary>gen_esp32part expands $NAME and ${NAME} from its environment; we do not, so such a reference is refused.</summary>
    [GeneratedRegex(@"\$([A-Za-z0-9_]+|\{[^}]*\})")]
    private static partial Regex EnvironmentReference();

    private static Row ParseRow(string line, int lineNo, PartitionLayout layout)
    {
        if (EnvironmentReference().Match(line) is { Success: true } reference)
            throw new PartitionTableException(PartitionRefusal.Syntax,
                $"'{reference.Value}' is an environment variable reference, which gen_esp32part would fill in from its environment and this reader does not; write the value");
        // Fields are split at every ',' (no quoting) after four empty ones are appended, each stripped; fields after
        // the sixth are ignored. A line with a type has at least six fields that way.
        string[] f = (line + ",,,,").Split(',').Select(PythonText.Strip).ToArray();
        var r = new Row { Line = lineNo, Name = f[0] };
        if (f[1].Length == 0) throw new PartitionTableException(PartitionRefusal.Syntax, $"partition '{r.Name}': type is empty");
        r.Type = PartitionTypes.ParseType(f[1])
            ?? throw new PartitionTableException(PartitionRefusal.Syntax, $"partition '{r.Name}': type '{f[1]}' is not app, data, bootloader, partition_table or a number 0-255");

        if (f[2].Length == 0)
        {
            if (r.Type == PartitionTypes.App) throw new PartitionTableException(PartitionRefusal.Syntax, $"app partition '{r.Name}' needs a subtype");
            r.Subtype = PartitionTypes.DataUndefined; // for every type but app, an empty subtype is 0x06 ("undefined")
        }
        else
        {
            // A type outside 0-255 has no subtype keywords (it is refused later, when it does not fit the binary).
            byte? type = r.Type >= 0 && r.Type <= byte.MaxValue ? (byte)r.Type : null;
            r.Subtype = (type is byte t ? PartitionTypes.ParseSubtype(t, f[2]) : PartitionNumber.Parse(f[2], null)) ?? throw UnknownSubtype(r, f, type);
        }

        r.Offset = ParseOffset(f[3], r, layout);
        r.Size = ParseSize(f[4], r, layout);

        foreach (string flag in f[5].Split(':'))
        {
            // Flag names are not stripped: "encrypted : readonly" names the flags "encrypted " and " readonly".
            if (flag == "encrypted") r.Encrypted = true;
            else if (flag == "readonly") r.ReadOnly = true;
            else if (flag.Length > 0) throw new PartitionTableException(PartitionRefusal.Syntax, $"partition '{r.Name}': unknown flag '{flag}' (known: encrypted, readonly, separated by ':' without spaces)");
        }
        return r;
    }

    private static PartitionTableException UnknownSubtype(Row r, string[] f, byte? type)
    {
        string keywords = type is byte t ? string.Concat(PartitionTypes.KnownSubtypeNames(t).Select(n => n + ", ")) : "";
        return new PartitionTableException(PartitionRefusal.Syntax, $"partition '{r.Name}': subtype '{f[2]}' is not valid for type {f[1]}; write {keywords}or a number 0-255");
    }

    /// <summary>
    /// The primary bootloader sits at the layout's bootloader offset, a recovery bootloader at its recovery offset,
    /// the primary table at the table offset, whatever the row says; other rows give an offset or leave it empty.
    /// </summary>
    private static BigInteger? ParseOffset(string text, Row r, PartitionLayout layout)
    {
        if (r.Type == PartitionTypes.Bootloader && r.Subtype == PartitionTypes.BootloaderPrimary) return layout.BootloaderOffset;
        if (r.Type == PartitionTypes.Bootloader && r.Subtype == PartitionTypes.BootloaderRecovery)
            return layout.RecoveryBootloaderOffset ?? throw new PartitionTableException(PartitionRefusal.BootLayout,
                $"partition '{r.Name}' is a recovery bootloader, but no recovery bootloader offset is set (gen_esp32part's --recovery-bootloader-offset)");
        if (r.Type == PartitionTypes.PartitionTable && r.Subtype == PartitionTypes.PartitionTablePrimary) return layout.TableOffset;
        if (text.Length == 0) return null;
        return Number(text, r.Name, "offset");
    }

    /// <summary>Every bootloader row is as big as the space between bootloader and table, every table row one sector, whatever the row says.</summary>
    private static BigInteger ParseSize(string text, Row r, PartitionLayout layout)
    {
        if (r.Type == PartitionTypes.Bootloader) return layout.TableOffset - layout.BootloaderOffset;
        if (r.Type == PartitionTypes.PartitionTable) return PartitionLayout.TableSectorSize;
        if (text.Length == 0) throw new PartitionTableException(PartitionRefusal.Syntax, $"partition '{r.Name}': size is empty");
        return Number(text, r.Name, "size");
    }

    private static BigInteger Number(string text, string name, string field) =>
        PartitionNumber.Parse(text, null) ?? throw new PartitionTableException(PartitionRefusal.Syntax,
            $"partition '{name}': {field} '{text}' is not a number (decimal without leading zeros, 0x hex, 0o, 0b, optional K or M)");

    /// <summary>
    /// gen_esp32part's placement, in row order, skipping the primary bootloader and table rows: a given offset must not
    /// be below where the previous row ended (at first: the end of the table sector); an empty one becomes that end,
    /// rounded up to the type's alignment; a negative size -A becomes A minus the offset.
    /// </summary>
    private static void PlaceRows(List<Row> rows, PartitionLayout layout)
    {
        BigInteger lastEnd = layout.FirstFreeOffset;
        foreach (var r in rows)
        {
            if (r.IsPrimaryBootChain) continue;
            if (r.Offset is BigInteger given && given < lastEnd)
            {
                // gen_esp32part blames the table sector when the row equals the first row of the file (by name, type,
                // subtype, offset and size), the previous partition otherwise.
                throw IsSameRow(r, rows[0])
                    ? new PartitionTableException(PartitionRefusal.BelowTable,
                        $"line {r.Line}: partition '{r.Name}' at {Hex(given)} overlaps the partition table sector (0x{layout.TableOffset:x}-0x{layout.FirstFreeOffset - 1:x}); use 0x{layout.FirstFreeOffset:x} or higher")
                    : new PartitionTableException(PartitionRefusal.Overlap,
                        $"line {r.Line}: partition '{r.Name}' at {Hex(given)} overlaps the previous partition, which ends at {Hex(lastEnd)}; use {Hex(lastEnd)} or higher, or leave the offset empty");
            }
            if (r.Offset is null)
            {
                uint align = r.Type >= 0 && r.Type <= byte.MaxValue ? PartitionTable.OffsetAlignment((byte)r.Type) : PartitionTable.DataOffsetAlignment;
                if (lastEnd % align != 0) lastEnd += align - lastEnd % align;
                r.Offset = lastEnd;
            }
            if (r.Size < 0) r.Size = -r.Size - r.Offset.Value;
            lastEnd = r.Offset.Value + r.Size;
        }
    }

    private static string Hex(BigInteger v) => v.Sign < 0 ? "-" + Hex(-v) : "0x" + (v.IsZero ? "0" : v.ToString("x").TrimStart('0'));

    private static bool IsSameRow(Row a, Row b) =>
        a.Name == b.Name && a.Type == b.Type && a.Subtype == b.Subtype && a.Offset == b.Offset && a.Size == b.Size;

    /// <summary>Values gen_esp32part accepts in the CSV but cannot pack into the binary (it stops there with a struct error).</summary>
    private static PartitionEntry ToEntry(Row r)
    {
        static PartitionTableException OutOfRange(Row r, string what, BigInteger v, string range) =>
            new(PartitionRefusal.OutOfRange, $"line {r.Line}: partition '{r.Name}': {what} {Hex(v)} does not fit the binary table ({range})");
        if (r.Type < 0 || r.Type > byte.MaxValue) throw OutOfRange(r, "type", r.Type, "0-255");
        if (r.Subtype < 0 || r.Subtype > byte.MaxValue) throw OutOfRange(r, "subtype", r.Subtype, "0-255");
        BigInteger offset = r.Offset!.Value;
        if (offset < 0 || offset > uint.MaxValue) throw OutOfRange(r, "offset", offset, "0 to 0xffffffff");
        if (r.Size < 0 || r.Size > uint.MaxValue) throw OutOfRange(r, "size", r.Size, "0 to 0xffffffff; a negative size -A means up to address A, which must be at or above the offset");
        return new PartitionEntry(r.Name, (byte)r.Type, (byte)r.Subtype, (uint)offset, (uint)r.Size, r.Encrypted, r.ReadOnly);
    }
}
