using System.Text;
using NodeFirmware.HostCommon.Partitions;

namespace NodeFirmware.HostCommon.Tests.Partitions.Differential;

/// <summary>One generated table: the CSV file's bytes, the settings to convert it with, and the fault meant to be in it (null: none; for messages only, the reference tool decides).</summary>
internal sealed record GeneratedTable(string Id, byte[] Csv, GenOptions Options, string? Fault);

/// <summary>
/// Seeded random partition CSVs that exercise gen_esp32part's rules: keyword and number spellings, K/M suffixes,
/// empty offsets (placement and alignment by type), negative sizes, flags, long and non-ASCII names, bootloader and
/// table rows, comments, line endings and byte order marks. About a third carry exactly one fault (overlap, bad
/// alignment, bad number, ...), so that both tools refuse them for the same reason.
/// </summary>
internal sealed class RandomPartitionTables
{
    private const uint Sector = 0x1000;
    private readonly Random _rng;

    public RandomPartitionTables(int seed) => _rng = new Random(seed);

    public static readonly string[] Faults =
    {
        "overlap", "below-table", "app-offset-alignment", "data-offset-alignment", "app-size-alignment", "readonly-otadata",
        "readonly-coredump", "small-nvs", "duplicate-name", "two-otadata", "otadata-size", "tee-otadata-size", "flash-too-small",
        "too-many-entries", "unknown-flag", "spaced-flags", "bad-number", "leading-zero", "unknown-subtype", "empty-type",
        "empty-size", "app-without-subtype", "environment-variable", "type-too-big", "subtype-too-big", "offset-too-big",
        "negative-size", "recovery-without-offset", "not-utf8",
    };

    public GeneratedTable Next(string id)
    {
        string? fault = _rng.Next(3) == 0 ? Faults[_rng.Next(Faults.Length)] : null;
        return new Builder(_rng, fault).Build(id);
    }

    /// <summary>A random table with this fault in it (one of <see cref="Faults"/>).</summary>
    public GeneratedTable NextWithFault(string id, string fault) => new Builder(_rng, fault).Build(id);

    private sealed class Row
    {
        public string Name = "";
        public string Type = "";
        public string Subtype = "";
        public string Offset = "";
        public string Size = "";
        public string Flags = "";
        public string? Extra;
    }

    private sealed class Builder
    {
        private readonly Random _rng;
        private readonly string? _fault;
        private readonly List<Row> _rows = new();
        private readonly HashSet<string> _names = new();
        private GenOptions _options;
        private long _lastEnd;
        private bool _hasOtaData, _hasTeeOtaData, _faultPlaced;

        public Builder(Random rng, string? fault)
        {
            _rng = rng;
            _fault = fault;
            uint tableOffset = Pick(0x8000u, 0x8000u, 0x8000u, 0x8000u, 0x9000u, 0xA000u, 0xF000u, 0x10000u);
            _options = new GenOptions(tableOffset, 0x1000, _rng.Next(4) != 0, null, null);
            _lastEnd = tableOffset + Sector;
        }

        private T Pick<T>(params T[] items) => items[_rng.Next(items.Length)];

        private bool Chance(int percent) => _rng.Next(100) < percent;

        public GeneratedTable Build(string id)
        {
            int count = _fault == null && Chance(6) ? PartitionBinary.MaxEntries(_options.Md5) - _rng.Next(3) : _rng.Next(1, 12);
            if (_fault == "too-many-entries") count = PartitionBinary.MaxEntries(_options.Md5) + 1;
            int faultAt = _fault == "below-table" ? 0 : _rng.Next(count);
            bool primaries = _fault != "below-table";
            int primaryBootloaderAt = primaries && Chance(12) ? _rng.Next(count) : -1;
            int primaryTableAt = primaries && Chance(12) ? _rng.Next(count) : -1;
            for (int i = 0; _rows.Count < count; i++)
            {
                if (i == primaryBootloaderAt) AddPrimary(bootloader: true);
                if (i == primaryTableAt && _rows.Count < count) AddPrimary(bootloader: false);
                if (_rows.Count >= count) break;
                if (i == faultAt && _fault != null && AddFault()) continue;
                AddValidRow();
            }
            if (_fault != null && !_faultPlaced) AddFaultAtEnd();
            ChooseFlashSize();
            return new GeneratedTable(id, Encode(), _options, _fault);
        }

        // ---- valid rows --------------------------------------------------------------------------------------

        private void AddValidRow()
        {
            int kind = _rng.Next(100);
            if (kind < 55) AddData(null);
            else if (kind < 82) AddApp(null);
            else if (kind < 91) AddCustomType();
            else if (kind < 95) AddBootChainCopy();
            else if (kind < 97 && _options.RecoveryOffset == null) AddRecovery();
            else AddData(null);
        }

        private void AddData(string? subtype)
        {
            subtype ??= Pick("nvs", "nvs", "phy", "coredump", "nvs_keys", "efuse", "undefined", "", "esphttpd", "fat", "spiffs", "littlefs", "num", "num", "ota", "tee_ota");
            if (subtype == "ota" && _hasOtaData) subtype = "spiffs";
            if (subtype == "tee_ota" && _hasTeeOtaData) subtype = "fat";
            long size = subtype is "ota" or "tee_ota" ? 0x2000 : DataSize();
            bool readOnly = subtype is not ("ota" or "coredump") && Chance(12);
            if (subtype == "nvs" && size < PartitionTable.NvsReadWriteMinSize) readOnly = true;
            if (subtype == "ota") _hasOtaData = true;
            if (subtype == "tee_ota") _hasTeeOtaData = true;
            string subtypeText = subtype switch
            {
                "num" => Number(Pick<long>(0x07, 0x40, 0x84, 0x99, 0xFE, 0xFF, _rng.Next(0x07, 0x80)), suffixes: false),
                "" => "",
                _ => Chance(15) ? Number(SubtypeValue(PartitionTypes.Data, subtype), suffixes: false) : Spell(subtype),
            };
            AddPlaced(Spell("data", PartitionTypes.Data), subtypeText, PartitionTypes.Data, size, readOnly);
        }

        private void AddApp(string? subtype)
        {
            subtype ??= Pick("factory", "test", $"ota_{_rng.Next(16)}", $"ota_{_rng.Next(16)}", $"tee_{_rng.Next(2)}", "num");
            string subtypeText = subtype == "num" ? Number(_rng.Next(0, 256), suffixes: false)
                : Chance(15) ? Number(SubtypeValue(PartitionTypes.App, subtype), suffixes: false) : Spell(subtype);
            long size = _rng.Next(1, 40) * (long)Sector * Pick(1, 1, 4, 16);
            AddPlaced(Spell("app", PartitionTypes.App), subtypeText, PartitionTypes.App, size, Chance(8));
        }

        private void AddCustomType()
        {
            int type = Pick(_rng.Next(0x04, 0x40), 0x40, 0x80, 0xFE, 0xFF, _rng.Next(0x04, 0x100));
            string subtype = Chance(25) ? "" : Number(_rng.Next(0, 256), suffixes: false);
            AddPlaced(Number(type, suffixes: false), subtype, (byte)type, DataSize(), Chance(10));
        }

        /// <summary>A bootloader/ota or partition_table/ota row: the size column is ignored (the layout fixes it), the offset is placed.</summary>
        private void AddBootChainCopy()
        {
            bool bootloader = Chance(50);
            byte type = bootloader ? PartitionTypes.Bootloader : PartitionTypes.PartitionTable;
            string subtype = bootloader ? Pick("ota", "0x01", "5", "") : Pick("ota", "1", "0x7");
            long size = bootloader ? _options.TableOffset - _options.BootloaderOffset : Sector;
            var row = NewRow(Spell(bootloader ? "bootloader" : "partition_table", type), subtype);
            PlaceOffset(row, type);
            row.Size = Pick("", "N/A", "0x1234", "-1");
            _lastEnd = ParsedOffset(row, type) + size;
            Finish(row, false);
        }

        private void AddRecovery()
        {
            uint at = (uint)Align(_lastEnd + _rng.Next(0, 4) * Sector, Sector);
            _options = _options with { RecoveryOffset = at };
            var row = NewRow(Spell("bootloader", PartitionTypes.Bootloader), Pick("recovery", "2"));
            row.Offset = Pick("", "N/A", "0x0");
            row.Size = Pick("", "N/A");
            _lastEnd = at + (_options.TableOffset - _options.BootloaderOffset);
            Finish(row, false);
        }

        private void AddPrimary(bool bootloader)
        {
            var row = NewRow(bootloader ? Spell("bootloader", PartitionTypes.Bootloader) : Spell("partition_table", PartitionTypes.PartitionTable), Pick("primary", "0", "0x0"));
            row.Offset = Pick("", "N/A", "0x1000");
            row.Size = Pick("", "N/A", "28K");
            Finish(row, false);
        }

        private long DataSize() => _rng.Next(10) switch
        {
            0 or 1 or 2 => _rng.Next(1, 64) * (long)Sector,
            3 or 4 => _rng.Next(1, 32) * 0x10000L,
            5 or 6 => _rng.Next(1, 0x8000),
            7 => 0,
            8 => _rng.Next(1, 3) * 0x100000L,
            _ => _rng.Next(1, 256) * 0x100L,
        };

        /// <summary>A row placed after the previous one: offset empty (gen places it) or given, aligned; size maybe written as "-end".</summary>
        private void AddPlaced(string type, string subtype, byte typeValue, long size, bool readOnly, long? offsetOverride = null)
        {
            var row = NewRow(type, subtype);
            long offset;
            if (offsetOverride is long given)
            {
                offset = given;
                row.Offset = Number(given, suffixes: true);
            }
            else
            {
                PlaceOffset(row, typeValue);
                offset = ParsedOffset(row, typeValue);
            }
            row.Size = Chance(10) && size > 0 ? "-" + Number(offset + size, suffixes: true) : Number(size, suffixes: true);
            _lastEnd = offset + size;
            Finish(row, readOnly);
        }

        private void PlaceOffset(Row row, byte type)
        {
            if (Chance(50)) { row.Offset = ""; return; }
            long offset = Align(_lastEnd + (Chance(40) ? 0 : _rng.Next(0, 8) * Sector), PartitionTable.OffsetAlignment(type));
            row.Offset = Number(offset, suffixes: true);
        }

        /// <summary>The offset gen_esp32part gives the row: the written one, or the previous end aligned for the type.</summary>
        private long ParsedOffset(Row row, byte type) =>
            row.Offset.Length == 0 ? Align(_lastEnd, PartitionTable.OffsetAlignment(type)) : (PartitionNumber.TryParse(row.Offset, out long v) ? v : throw new InvalidOperationException(row.Offset));

        private Row NewRow(string type, string subtype) => new() { Name = NewName(), Type = type, Subtype = subtype };

        private void Finish(Row row, bool readOnly)
        {
            var flags = new List<string>();
            if (Chance(15)) flags.Add("encrypted");
            if (readOnly) flags.Add("readonly");
            if (Chance(50)) flags.Reverse();
            if (Chance(5)) flags.Add("");
            row.Flags = string.Join(':', flags);
            if (Chance(4)) row.Extra = Pick("extra", "", "0x10");
            _rows.Add(row);
        }

        // ---- faults --------------------------------------------------------------------------------------------

        /// <summary>Adds the faulty row(s) here; false when this fault belongs at the end of the table.</summary>
        private bool AddFault()
        {
            switch (_fault)
            {
                case "overlap" when _rows.Count > 0:
                    AddPlaced("data", "fat", PartitionTypes.Data, 0x1000, false, offsetOverride: Math.Max(_options.TableOffset, _lastEnd - Sector));
                    break;
                case "below-table":
                    AddPlaced("data", "nvs", PartitionTypes.Data, 0x6000, false, offsetOverride: _options.TableOffset - Pick(0, (long)Sector, 0x800));
                    break;
                case "app-offset-alignment":
                    AddPlaced("app", "factory", PartitionTypes.App, 0x10000, false, offsetOverride: Align(_lastEnd, 0x10000) + _rng.Next(1, 16) * Sector);
                    break;
                case "data-offset-alignment":
                    AddPlaced("data", "spiffs", PartitionTypes.Data, 0x4000, false, offsetOverride: Align(_lastEnd, Sector) + Pick(4, 0x800, 0x10));
                    break;
                case "app-size-alignment":
                    AddPlaced("app", "ota_0", PartitionTypes.App, 0x10000 + Pick(0x800, 0x10, 0xFFF), false);
                    break;
                case "readonly-otadata" when !_hasOtaData:
                    _hasOtaData = true;
                    AddPlaced("data", "ota", PartitionTypes.Data, 0x2000, true);
                    break;
                case "readonly-coredump":
                    AddPlaced("data", "coredump", PartitionTypes.Data, 0x10000, true);
                    break;
                case "small-nvs":
                    AddPlaced("data", "nvs", PartitionTypes.Data, Pick(0x1000, 0x2000, 0x2FFF, 0), false);
                    break;
                case "duplicate-name" when _rows.Count > 0:
                    AddData("fat");
                    _rows[^1].Name = _rows[_rng.Next(_rows.Count - 1)].Name;
                    break;
                case "two-otadata":
                    AddData(_hasOtaData ? "spiffs" : "ota");
                    AddPlaced("data", "ota", PartitionTypes.Data, 0x2000, false);
                    _hasOtaData = true;
                    break;
                case "otadata-size" when !_hasOtaData:
                    _hasOtaData = true;
                    AddPlaced("data", "ota", PartitionTypes.Data, Pick(0x1000, 0x3000, 0x2001), false);
                    break;
                case "tee-otadata-size" when !_hasTeeOtaData:
                    _hasTeeOtaData = true;
                    AddPlaced("data", "tee_ota", PartitionTypes.Data, Pick(0x1000, 0x4000), false);
                    break;
                case "unknown-flag":
                    AddData(null);
                    _rows[^1].Flags = Pick("secure", "Encrypted", "read-only", "encrypted,");
                    if (_rows[^1].Flags.EndsWith(',')) { _rows[^1].Flags = "bogus"; }
                    break;
                case "spaced-flags":
                    AddData("fat");
                    _rows[^1].Flags = Pick("encrypted : readonly", "encrypted :readonly", "readonly: encrypted");
                    break;
                case "bad-number":
                    AddData("spiffs");
                    _rows[^1].Size = Pick("0x12G", "1.5M", "0x", "12KB", "four");
                    break;
                case "leading-zero":
                    AddData("spiffs");
                    _rows[^1].Size = Pick("010", "0100K", "00_1");
                    break;
                case "unknown-subtype":
                    if (Chance(50)) { AddData(null); _rows[^1].Subtype = Pick("nvsx", "factory", "ota_0", "primaryx"); }
                    else { AddApp(null); _rows[^1].Subtype = Pick("ota_16", "nvs", "tee_2", "factoryy"); }
                    break;
                case "empty-type":
                    AddData(null);
                    _rows[^1].Type = "";
                    break;
                case "empty-size":
                    AddData("fat");
                    _rows[^1].Size = "";
                    break;
                case "app-without-subtype":
                    AddApp(null);
                    _rows[^1].Subtype = "";
                    break;
                case "environment-variable":
                    AddData("fat");
                    _rows[^1].Offset = "$NODEFW_PARTITION_TEST_UNSET";
                    break;
                case "type-too-big":
                    AddData("fat");
                    _rows[^1].Type = Pick("256", "0x100", "datak", "1K");
                    _rows[^1].Subtype = "0x81"; // a custom type has no subtype keywords
                    break;
                case "subtype-too-big":
                    AddData("fat");
                    _rows[^1].Subtype = Pick("256", "0x1ff", "fatk", "-1");
                    break;
                case "recovery-without-offset":
                    var row = NewRow("bootloader", "recovery");
                    Finish(row, false);
                    break;
                case "not-utf8":
                    AddData(null);
                    _rows[^1].Name = "bad\uFFFFname"; // replaced by a lone 0xFF byte when encoded
                    break;
                default:
                    return false;
            }
            _faultPlaced = true;
            return true;
        }

        private void AddFaultAtEnd()
        {
            switch (_fault)
            {
                case "offset-too-big":
                    AddPlaced("data", "spiffs", PartitionTypes.Data, 0x1000, false, offsetOverride: Pick(0x1_0000_0000L, 0xFFFF_F000L + 0x2000, 0x2_0000_0000L));
                    break;
                case "negative-size":
                    AddData("spiffs");
                    _rows[^1].Size = "-" + Number(Math.Max(1, _lastEnd - _rng.Next(0x1000, 0x3000)), suffixes: false);
                    break;
                case "flash-too-small":
                    break; // ChooseFlashSize picks a flash below the end
                default:
                    // Not placeable where it was drawn (a duplicate needs an earlier row, say): try it last.
                    AddFault();
                    break;
            }
            _faultPlaced = true;
        }

        private void ChooseFlashSize()
        {
            long end = _lastEnd;
            if (_fault == "flash-too-small")
            {
                if (end <= 0x100000) AddPlaced("data", "spiffs", PartitionTypes.Data, 0x100000, false);
                end = _lastEnd;
                int mb = 1;
                while (mb * 2L * 0x100000 < end && mb < 128) mb *= 2;
                _options = _options with { FlashSizeMb = mb };
                return;
            }
            if (_fault is "offset-too-big" or "negative-size" || !Chance(40)) return;
            for (int mb = 1; mb <= 128; mb *= 2)
            {
                if (mb * 0x100000L >= end) { _options = _options with { FlashSizeMb = mb }; return; }
            }
        }

        // ---- spelling ----------------------------------------------------------------------------------------

        private string NewName()
        {
            for (int attempt = 0; ; attempt++)
            {
                string name = _rng.Next(100) switch
                {
                    < 3 when !_names.Contains("") => "",
                    < 6 => "Grüße-" + _rng.Next(1000),
                    < 7 => "abcdefghijklmn" + Pick("é", "ü", "€") + _rng.Next(10), // the cut falls inside the character
                    < 9 => RandomWord() + "-" + _rng.Next(1000),
                    < 17 => RandomWord() + "-with-a-long-tail",
                    < 19 => "long-partition-name-" + _rng.Next(100000), // all keep the label "long-partition-n"
                    < 24 => Pick("nvs", "phy_init", "factory", "otadata", "data", "app", "ota_0", "coredump", "test"),
                    _ => RandomWord(),
                };
                if (_names.Add(name)) return name;
            }
        }

        private string RandomWord()
        {
            const string letters = "abcdefghijklmnopqrstuvwxyz0123456789_-.";
            int length = _rng.Next(1, 17);
            var sb = new StringBuilder();
            sb.Append((char)('a' + _rng.Next(26)));
            while (sb.Length < length) sb.Append(letters[_rng.Next(letters.Length)]);
            if (Chance(5)) sb.Insert(sb.Length / 2, ' ');
            return sb.ToString();
        }

        /// <summary>A keyword with a random case (gen_esp32part lowercases before looking it up), or the type's number.</summary>
        private string Spell(string keyword, byte? value = null)
        {
            if (value is byte v && Chance(15)) return Number(v, suffixes: false);
            return _rng.Next(6) switch
            {
                0 => keyword.ToUpperInvariant(),
                1 => char.ToUpperInvariant(keyword[0]) + keyword[1..],
                _ => keyword,
            };
        }

        private static long SubtypeValue(byte type, string keyword)
        {
            Assert.True(PartitionTypes.TryParseSubtype(type, keyword, out byte v), keyword);
            return v;
        }

        /// <summary>A number in one of the spellings gen_esp32part reads.</summary>
        private string Number(long v, bool suffixes)
        {
            int style = _rng.Next(12);
            if (suffixes && v != 0 && v % 0x100000 == 0 && style < 3) return $"{v / 0x100000}{Pick("M", "m")}";
            if (suffixes && v != 0 && v % 0x100000 == 0 && style == 3) return $"{v / 0x100000 * 1024}{Pick("K", "k")}";
            if (suffixes && v != 0 && v % 0x100000 == 0 && style == 4 && v > 0) return $"{v / 0x100000}kk";
            if (suffixes && v != 0 && v % 1024 == 0 && style < 6) return $"{v / 1024}{Pick("K", "k")}";
            return _rng.Next(10) switch
            {
                0 or 1 or 2 => $"0x{v:x}",
                3 => $"0X{v:X}",
                4 or 5 => v.ToString(System.Globalization.CultureInfo.InvariantCulture),
                6 when v >= 0x100 => $"0x{v >> 8:x}_{v & 0xFF:x2}",
                7 => $"0o{Convert.ToString(v, 8)}",
                8 when v < 0x10000 => $"0b{Convert.ToString(v, 2)}",
                _ => $"0x{v:x}",
            };
        }

        private static long Align(long v, long to) => (v + to - 1) / to * to;

        // ---- the file ----------------------------------------------------------------------------------------

        private byte[] Encode()
        {
            string newline = Pick("\n", "\n", "\n", "\r\n", "\r");
            var sb = new StringBuilder();
            if (Chance(60)) sb.Append("# Name, Type, SubType, Offset, Size, Flags").Append(newline);
            foreach (var row in _rows)
            {
                if (Chance(10)) sb.Append(Pick("# a comment", "   # indented comment, with $HOME in it", "", "  \t", "#,,,,")).Append(newline);
                string sep = Pick(",", ",", ", ", " , ", ",\t");
                var fields = new List<string> { row.Name, row.Type, row.Subtype, row.Offset, row.Size, row.Flags };
                if (row.Extra != null) fields.Add(row.Extra);
                else if (row.Flags.Length == 0 && Chance(50)) fields.RemoveAt(5);
                sb.Append(Chance(10) ? "  " : "").Append(string.Join(sep, fields)).Append(newline);
            }
            if (Chance(20)) sb.Length -= newline.Length;
            string text = sb.ToString();
            byte[] body = Chance(4) ? Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(text)).ToArray()
                : (Chance(10) ? new byte[] { 0xEF, 0xBB, 0xBF } : Array.Empty<byte>()).Concat(Encoding.UTF8.GetBytes(text)).ToArray();
            if (_fault == "not-utf8")
            {
                // U+FFFF encodes as EF BF BF in UTF-8; make it a lone 0xFF, which is never UTF-8.
                body = Encoding.UTF8.GetBytes(text).ToArray();
                int at = body.AsSpan().IndexOf(new byte[] { 0xEF, 0xBF, 0xBF });
                body = body[..at].Append((byte)0xFF).Concat(body[(at + 3)..]).ToArray();
            }
            return body;
        }
    }
}
