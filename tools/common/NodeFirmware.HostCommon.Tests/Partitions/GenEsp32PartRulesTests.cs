using System.Security.Cryptography;
using System.Text;
using NodeFirmware.HostCommon.Partitions;

namespace NodeFirmware.HostCommon.Tests.Partitions;

/// <summary>
/// Single rules of ESP-IDF's gen_esp32part.py (1.5), one a test, with the bytes and text the script gives for the same
/// input (checked against it; see Reference/README.md). The differential tests cover their combinations.
/// </summary>
public class GenEsp32PartRulesTests
{
    private static readonly PartitionLayout Layout = new();

    private static PartitionTable Table(string csv, PartitionLayout? layout = null)
    {
        var table = PartitionCsv.Parse(csv, layout ?? Layout);
        table.Validate(layout ?? Layout);
        return table;
    }

    private static byte[] Binary(string csv, bool md5 = true, PartitionLayout? layout = null) => PartitionBinary.Write(Table(csv, layout), md5);

    /// <summary>What gen_esp32part prints converting a binary table back: read, verify, write CSV.</summary>
    private static string BackToCsv(byte[] bin, bool md5 = true)
    {
        var table = PartitionBinary.Read(bin, md5);
        table.Validate(Layout);
        return PartitionCsv.Write(table);
    }

    private static string Hex(byte[] bin, int from, int length) => Convert.ToHexStringLower(bin.AsSpan(from, length));

    private static PartitionRefusal Refused(Action action) => Assert.Throws<PartitionTableException>(action).Kind;

    private const string CsvHeader = "# ESP-IDF Partition Table\n# Name, Type, SubType, Offset, Size, Flags\n";

    [Fact]
    public void A_long_name_keeps_its_first_16_bytes_in_the_binary_and_is_not_refused()
    {
        var table = Table("seventeen-chars-x,data,nvs,0x9000,0x6000");
        byte[] bin = PartitionBinary.Write(table);
        Assert.Equal("aa500102" + "00900000" + "00600000" + Convert.ToHexStringLower("seventeen-chars-"u8) + "00000000", Hex(bin, 0, 32));
        Assert.Equal(CsvHeader + "seventeen-chars-,data,nvs,0x9000,24K,\n", BackToCsv(bin));
        Assert.Contains("keeps 'seventeen-chars-'", Assert.Single(table.Warnings));
    }

    [Fact]
    public void A_long_name_cut_inside_a_character_is_written_but_cannot_be_read_back()
    {
        var table = Table("abcdefghijklmnoé,data,nvs,0x9000,0x6000");
        byte[] bin = PartitionBinary.Write(table);
        Assert.Equal("6162636465666768696a6b6c6d6e6fc3", Hex(bin, 12, 16));
        Assert.Equal(PartitionRefusal.LabelNotUtf8, Refused(() => PartitionBinary.Read(bin)));
        Assert.Contains("cut a character in two", Assert.Single(table.Warnings));
    }

    [Fact]
    public void Names_equal_in_their_first_16_bytes_share_a_label_so_the_binary_reads_back_as_duplicates()
    {
        var table = Table("long-partition-name-1,data,fat,0x9000,4K\nlong-partition-name-2,data,fat,,4K");
        Assert.Contains(table.Warnings, w => w.Contains("both get the label 'long-partition-n'"));
        Assert.Equal(PartitionRefusal.DuplicateName, Refused(() => BackToCsv(PartitionBinary.Write(table))));
    }

    [Fact]
    public void An_empty_name_is_accepted_with_an_all_zero_label()
    {
        byte[] bin = Binary(",data,nvs,0x9000,0x6000");
        Assert.Equal(new string('0', 32), Hex(bin, 12, 16));
        Assert.Equal(CsvHeader + ",data,nvs,0x9000,24K,\n", BackToCsv(bin));
    }

    [Fact]
    public void Size_zero_is_accepted_and_written_back_as_0M()
    {
        Assert.Equal(CsvHeader + "b,data,fat,0x10000,0M,\n", BackToCsv(Binary("b,data,fat,0x10000,0")));
    }

    [Fact]
    public void Fields_after_the_sixth_are_ignored()
    {
        Assert.Equal(Binary("a,data,nvs,0x9000,0x6000"), Binary("a,data,nvs,0x9000,0x6000,,extra,more"));
    }

    [Fact]
    public void Flags_are_split_at_colons_without_stripping_and_written_in_a_fixed_order()
    {
        Assert.Equal(PartitionRefusal.Syntax, Refused(() => PartitionCsv.Parse("a,data,nvs,0x9000,0x6000,encrypted : readonly")));
        byte[] bin = Binary("a,data,nvs,0x9000,0x6000,readonly::encrypted");
        Assert.Equal("03000000", Hex(bin, 28, 4));
        Assert.Equal(CsvHeader + "a,data,nvs,0x9000,24K,encrypted:readonly\n", BackToCsv(bin));
    }

    [Theory]
    [InlineData("0x6000", 0x6000L)]
    [InlineData("24576", 0x6000L)]
    [InlineData("24K", 0x6000L)]
    [InlineData("24k", 0x6000L)]
    [InlineData("0x6_000", 0x6000L)]
    [InlineData("2_4k", 0x6000L)]
    [InlineData("+0x6000", 0x6000L)]
    [InlineData("0o60000", 0x6000L)]
    [InlineData("0b110000000000000", 0x6000L)]
    [InlineData("0X6000", 0x6000L)]
    [InlineData("1kk", 0x100000L)]
    [InlineData("0x6k", 0x1800L)]
    [InlineData("010", null)]
    [InlineData("0_7", null)]
    [InlineData("1__0", null)]
    [InlineData("_10", null)]
    [InlineData("10_", null)]
    [InlineData("0x", null)]
    [InlineData("24KB", null)]
    [InlineData("1.5M", null)]
    public void Numbers_are_python_integer_literals_with_repeatable_k_and_m_suffixes(string text, long? expected)
    {
        if (expected is long size)
        {
            Assert.Equal((uint)size, PartitionCsv.Parse($"a,data,fat,0x10000,{text}").Entries[0].Size);
        }
        else
        {
            Assert.Equal(PartitionRefusal.Syntax, Refused(() => PartitionCsv.Parse($"a,data,fat,0x10000,{text}")));
        }
    }

    [Fact]
    public void Keywords_are_case_insensitive_and_take_suffixes_like_numbers()
    {
        Assert.Equal(Binary("a,data,nvs,0x9000,0x6000"), Binary("a,DATA,Nvs,0x9000,0x6000"));
        // "otak" is ota (0) × 1024 = 0, an otadata subtype; "datak" is data (1) × 1024, no type.
        Assert.Equal(PartitionTypes.DataOta, Table("a,data,otak,0x9000,0x2000").Entries[0].Subtype);
        Assert.Equal(PartitionRefusal.OutOfRange, Refused(() => PartitionCsv.Parse("a,datak,2,0x9000,0x6000")));
        Assert.Equal(PartitionRefusal.Syntax, Refused(() => PartitionCsv.Parse("a,datak,nvs,0x9000,0x6000"))); // type 1024 has no keywords
    }

    [Fact]
    public void A_dollar_in_a_comment_is_ignored_and_an_environment_reference_in_a_row_is_refused()
    {
        Assert.Equal(Binary("a,data,nvs,0x9000,0x6000"), Binary("# costs $HOME and ${FOO}\na,data,nvs,0x9000,0x6000"));
        Assert.Equal(PartitionRefusal.Syntax, Refused(() => PartitionCsv.Parse("a,data,nvs,${OFFSET},0x6000")));
        Assert.Equal(Binary("a$,data,nvs,0x9000,0x6000").AsSpan(12, 2).ToArray(), "a$"u8.ToArray()); // a lone $ is text
    }

    [Fact]
    public void Type_and_subtype_255_are_accepted_and_unnamed_values_are_written_in_decimal()
    {
        byte[] bin = Binary("a,0xff,0xff,0x9000,0x6000");
        Assert.Equal("aa50ffff", Hex(bin, 0, 4));
        Assert.Equal(CsvHeader + "a,255,255,0x9000,24K,\n", BackToCsv(bin));
        Assert.Equal(PartitionRefusal.OutOfRange, Refused(() => PartitionCsv.Parse("a,0x100,0,0x9000,0x6000")));
        Assert.Equal(PartitionRefusal.OutOfRange, Refused(() => PartitionCsv.Parse("a,data,-1,0x9000,0x6000")));
    }

    [Fact]
    public void The_stock_table_reads_back_as_gen_esp32part_writes_it()
    {
        byte[] bin = Binary(RepoFiles.Read("bootloader-config", "partitions-nanoclr-4mb.csv"));
        Assert.Equal(CsvHeader
            + "nvs,data,nvs,0x9000,24K,\n"
            + "phy_init,data,phy,0xf000,4K,\n"
            + "factory,app,factory,0x10000,1856K,\n"
            + "deploy,data,132,0x1e0000,1792K,\n"
            + "config,data,littlefs,0x3c0000,256K,\n", BackToCsv(bin));
    }

    [Fact]
    public void A_partition_may_end_beyond_4_GB_when_no_flash_size_is_given()
    {
        byte[] bin = Binary("a,data,nvs,0xFFFF0000,0x20000");
        Assert.Equal("0000ffff00000200", Hex(bin, 4, 8));
        Assert.Equal(CsvHeader + "a,data,nvs,0xffff0000,128K,\n", BackToCsv(bin));
    }

    [Fact]
    public void An_empty_table_is_an_md5_row_over_nothing()
    {
        byte[] bin = Binary("# nothing\n");
        Assert.Equal("ebeb" + new string('f', 28) + Convert.ToHexStringLower(MD5.HashData(Array.Empty<byte>())), Hex(bin, 0, 32));
        Assert.All(bin.Skip(32), b => Assert.Equal(0xFF, b));
    }

    [Fact]
    public void At_most_94_partitions_fit_with_the_md5_row_and_95_without()
    {
        string Rows(int n) => string.Join("\n", Enumerable.Range(0, n).Select(i => $"p{i},data,fat,,4K"));
        Assert.Equal(PartitionRefusal.TooManyEntries, Refused(() => Binary(Rows(95))));
        byte[] full = Binary(Rows(94));
        Assert.Equal("ebeb", Hex(full, 94 * 32, 2));
        Assert.All(full.Skip(95 * 32), b => Assert.Equal(0xFF, b));

        byte[] noMd5 = Binary(Rows(95), md5: false);
        Assert.Equal("aa50", Hex(noMd5, 94 * 32, 2));
        Assert.All(noMd5.Skip(95 * 32), b => Assert.Equal(0xFF, b));
        Assert.Equal(PartitionRefusal.TooManyEntries, Refused(() => Binary(Rows(96), md5: false)));
    }

    [Fact]
    public void Without_md5sum_no_md5_row_is_written_and_one_read_is_a_bad_entry_whose_label_fails_first()
    {
        const string csv = "a,data,nvs,0x9000,0x6000";
        byte[] withMd5 = Binary(csv), without = Binary(csv, md5: false);
        Assert.Equal(withMd5.AsSpan(0, 32).ToArray(), without.AsSpan(0, 32).ToArray());
        Assert.All(without.Skip(32), b => Assert.Equal(0xFF, b));
        Assert.Equal(BackToCsv(withMd5), BackToCsv(without));
        var e = Assert.Throws<PartitionTableException>(() => PartitionBinary.Read(withMd5, md5: false));
        Assert.Equal(PartitionRefusal.LabelNotUtf8, e.Kind); // bytes 12-15 of the MD5 row are 0xFF, never UTF-8
        Assert.Contains("MD5 row", e.Message);
    }

    [Fact]
    public void Reading_accepts_entries_after_the_md5_row_and_ignores_what_follows_the_end_marker()
    {
        byte[] bin = Binary("a,data,nvs,0x9000,0x6000\nb,data,fat,,4K");
        var moved = new byte[0x1000 + 5];
        Array.Fill(moved, (byte)0xFF);
        bin.AsSpan(0, 32).CopyTo(moved);
        moved[32] = moved[33] = 0xEB;
        MD5.HashData(bin.AsSpan(0, 32)).CopyTo(moved, 48);
        bin.AsSpan(32, 32).CopyTo(moved.AsSpan(64));
        moved[^1] = 0x00; // a partial row after the end marker
        Assert.Equal(BackToCsv(bin), BackToCsv(moved));
    }

    [Fact]
    public void Tee_otadata_is_unique_and_two_sectors_like_otadata()
    {
        Table("t,data,tee_ota,0x9000,0x2000");
        Assert.Equal(PartitionRefusal.OtaData, Refused(() => Table("t,data,tee_ota,0x9000,0x1000")));
        Assert.Equal(PartitionRefusal.OtaData, Refused(() => Table("t,data,tee_ota,0x9000,0x2000\nu,data,0x90,,0x2000")));
    }

    [Fact]
    public void Bootloader_and_table_rows_take_their_size_from_the_layout_whatever_the_row_says()
    {
        var table = Table("bl,bootloader\npt,partition_table,ota,,junk\nbo,bootloader,ota,,1M");
        Assert.Equal(new PartitionEntry("bl", PartitionTypes.Bootloader, PartitionTypes.DataUndefined, 0x9000, 0x7000), table.Entries[0]);
        Assert.Equal(new PartitionEntry("pt", PartitionTypes.PartitionTable, PartitionTypes.PartitionTableOta, 0x10000, 0x1000), table.Entries[1]);
        Assert.Equal(new PartitionEntry("bo", PartitionTypes.Bootloader, PartitionTypes.BootloaderOta, 0x11000, 0x7000), table.Entries[2]);
    }

    [Fact]
    public void A_recovery_bootloader_goes_where_the_layout_says_and_needs_it_said()
    {
        Assert.Equal(PartitionRefusal.BootLayout, Refused(() => PartitionCsv.Parse("rb,bootloader,recovery,,")));
        var layout = Layout with { RecoveryBootloaderOffset = 0x20000 };
        Assert.Equal(new PartitionEntry("rb", PartitionTypes.Bootloader, PartitionTypes.BootloaderRecovery, 0x20000, 0x7000), Table("rb,bootloader,recovery,0x1000,", layout).Entries[0]);
    }

    [Fact]
    public void The_bootloader_must_sit_below_the_table()
    {
        var layout = new PartitionLayout(TableOffset: 0x1000, BootloaderOffset: 0x1000);
        Assert.Equal(PartitionRefusal.BootLayout, Refused(() => PartitionCsv.Parse("a,data,nvs,0x9000,0x6000", layout)));
    }

    [Theory]
    [InlineData("\r")]
    [InlineData("\r\n")]
    [InlineData("\v")]
    [InlineData("\f")]
    [InlineData("\u001c")]
    [InlineData("\u0085")]
    [InlineData("\u2028")]
    public void Lines_break_where_python_breaks_them(string newline)
    {
        var table = Table($"a,data,nvs,0x9000,0x6000{newline}b,data,fat,,4K");
        Assert.Equal(0xF000u, table.Get("b").Offset);
    }

    [Fact]
    public void Fields_are_stripped_of_python_whitespace()
    {
        // U+001F is whitespace to Python and not to .NET.
        Assert.Equal(Binary("a,data,nvs,0x9000,0x6000"), Binary("\u001fa\u001f,\tdata\u001f , \u001fnvs\u00a0,0x9000,0x6000"));
    }

    [Fact]
    public void Csv_bytes_are_decoded_by_their_byte_order_mark_else_as_strict_utf8()
    {
        const string csv = "grüße,data,nvs,0x9000,0x6000\n";
        byte[] expected = Binary(csv);
        Assert.Equal(expected, PartitionBinary.Write(PartitionCsv.Parse(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv)).ToArray())));
        Assert.Equal(expected, PartitionBinary.Write(PartitionCsv.Parse(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(csv)).ToArray())));
        Assert.Equal(expected, PartitionBinary.Write(PartitionCsv.Parse(Encoding.BigEndianUnicode.GetPreamble().Concat(Encoding.BigEndianUnicode.GetBytes(csv)).ToArray())));
        Assert.Equal(PartitionRefusal.Encoding, Refused(() => PartitionCsv.Parse(Encoding.Latin1.GetBytes(csv))));
    }

    [Fact]
    public void The_flash_check_takes_the_end_of_the_partition_with_the_highest_offset()
    {
        var oneMb = Layout with { FlashSize = 0x100000 };
        // The zero-size "b" comes first among the partitions at 0x10000, so its end is the one compared.
        Table("a,data,nvs,0x9000,0x6000\nb,data,fat,0x10000,0\nc,data,fat,0x10000,0x400000", oneMb);
        Assert.Equal(PartitionRefusal.DoesNotFitFlash, Refused(() => Table("a,data,nvs,0x9000,0x6000\nc,data,fat,0x10000,0x400000", oneMb)));
    }

    [Fact]
    public void An_offset_below_the_previous_end_blames_the_table_sector_only_on_the_first_row()
    {
        Assert.Equal(PartitionRefusal.BelowTable, Refused(() => PartitionCsv.Parse("a,data,nvs,0x8000,0x6000")));
        Assert.Equal(PartitionRefusal.Overlap, Refused(() => PartitionCsv.Parse("bl,bootloader,primary,,\na,data,nvs,0x8000,0x6000")));
        Assert.Equal(PartitionRefusal.Overlap, Refused(() => PartitionCsv.Parse("a,data,nvs,0x9000,0x6000\nb,data,fat,0xe000,4K")));
    }

    [Fact]
    public void A_binary_table_starting_below_the_table_sector_is_refused_when_read()
    {
        byte[] bin = Binary("a,data,nvs,0x9000,0x6000");
        var table = PartitionBinary.Read(bin);
        Assert.Equal(PartitionRefusal.BelowTable, Refused(() => table.Validate(Layout with { TableOffset = 0x9000 })));
    }
}
