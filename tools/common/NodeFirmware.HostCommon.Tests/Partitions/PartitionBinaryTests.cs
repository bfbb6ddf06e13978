using System.Security.Cryptography;
using NodeFirmware.HostCommon.Partitions;

namespace NodeFirmware.HostCommon.Tests.Partitions;

public class PartitionBinaryTests
{
    private static PartitionTable Stock() => PartitionCsv.Parse(RepoFiles.Read("bootloader-config", "partitions-nanoclr-4mb.csv"));

    [Fact]
    public void Stock_table_binary_matches_an_independently_packed_reference()
    {
        // Reference: the five rows packed with Python's struct.pack('<2sBBLL16sL') + hashlib.md5, padded to 0xC00.
        byte[] bin = PartitionBinary.Write(Stock());
        Assert.Equal(0xC00, bin.Length);
        Assert.Equal("6811fc10a26a4d52a63eb9b239559114052709ce1a3c4481cea7ed78c88f8728", Convert.ToHexStringLower(SHA256.HashData(bin)));
    }

    [Fact]
    public void Stock_table_binary_has_the_documented_bytes()
    {
        byte[] bin = PartitionBinary.Write(Stock());
        // nvs: magic AA 50, data (01), nvs (02), offset 0x9000, size 0x6000, label "nvs", flags 0
        Assert.Equal("aa50" + "01" + "02" + "00900000" + "00600000" + "6e7673" + new string('0', 26) + "00000000", Convert.ToHexStringLower(bin.AsSpan(0, 32)));
        // deploy: data, subtype 0x84, offset 0x1E0000, size 0x1C0000
        Assert.Equal("aa50018400001e0000001c00", Convert.ToHexStringLower(bin.AsSpan(96, 12)));
        // MD5 row after five entries: EB EB, 14 x FF, MD5 of the 160 entry bytes
        Assert.Equal("ebeb" + new string('f', 28), Convert.ToHexStringLower(bin.AsSpan(160, 16)));
        Assert.Equal(MD5.HashData(bin.AsSpan(0, 160)), bin.AsSpan(176, 16).ToArray());
        Assert.All(bin.Skip(192), b => Assert.Equal(0xFF, b));
    }

    [Fact]
    public void Binary_round_trips_including_flags_and_full_length_labels()
    {
        var table = new PartitionTable(new[]
        {
            new PartitionEntry("sixteen-chars-xx", PartitionTypes.Data, PartitionTypes.DataNvs, 0x9000, 0x6000),
            new PartitionEntry("app", PartitionTypes.App, 0x10, 0x10000, 0x100000, Encrypted: true),
            new PartitionEntry("ro", PartitionTypes.Data, PartitionTypes.DataNvs, 0x110000, 0x1000, ReadOnly: true),
            new PartitionEntry("both", PartitionTypes.Data, 0x99, 0x111000, 0x1000, Encrypted: true, ReadOnly: true),
        });
        var back = PartitionBinary.Read(PartitionBinary.Write(table));
        Assert.Equal(table.Entries, back.Entries);
    }

    [Fact]
    public void Random_tables_round_trip_csv_to_binary_to_csv()
    {
        var rng = new Random(99);
        for (int round = 0; round < 100; round++)
        {
            var entries = new List<PartitionEntry>();
            uint at = 0x10000;
            int n = rng.Next(1, PartitionTable.MaxEntries + 1);
            for (int i = 0; i < n; i++)
            {
                bool app = rng.Next(4) == 0;
                if (app) at = (at + 0xFFFF) & ~0xFFFFu;
                uint size = (uint)rng.Next(1, 16) * 0x1000;
                entries.Add(new PartitionEntry($"p{i}", app ? PartitionTypes.App : PartitionTypes.Data, (byte)rng.Next(0x10, 0x20), at, size, rng.Next(2) == 0));
                at += size;
            }
            var table = new PartitionTable(entries);
            table.Validate(PartitionLayout.Esp32(16 * 1024 * 1024));
            var viaCsv = PartitionCsv.Parse(PartitionCsv.Write(table));
            var viaBin = PartitionBinary.Read(PartitionBinary.Write(viaCsv));
            Assert.Equal(table.Entries, viaBin.Entries);
        }
    }

    [Fact]
    public void Any_flipped_bit_in_the_entries_is_caught_by_the_md5_or_the_magic()
    {
        byte[] good = PartitionBinary.Write(Stock());
        for (int bit = 0; bit < 160 * 8; bit += 7)
        {
            byte[] bad = (byte[])good.Clone();
            bad[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Throws<PartitionTableException>(() => PartitionBinary.Read(bad));
        }
    }

    [Fact]
    public void Bad_md5_is_refused_with_both_digests()
    {
        byte[] bin = PartitionBinary.Write(Stock());
        bin[180] ^= 0x01;
        var e = Assert.Throws<PartitionTableException>(() => PartitionBinary.Read(bin));
        Assert.Contains("MD5 mismatch", e.Message);
    }

    [Fact]
    public void A_table_without_the_md5_row_is_read_as_gen_esp32part_and_the_bootloader_read_it()
    {
        // Neither gen_esp32part nor the bootloader's esp_partition_table_verify requires the MD5 row.
        byte[] bin = PartitionBinary.Write(Stock());
        bin.AsSpan(160, 32).Fill(0xFF);
        Assert.Equal(Stock().Entries, PartitionBinary.Read(bin).Entries);
        Assert.Equal(bin, PartitionBinary.Write(Stock(), md5: false));
    }

    [Fact]
    public void Truncated_or_unterminated_tables_are_refused()
    {
        byte[] bin = PartitionBinary.Write(Stock());
        var cut = Assert.Throws<PartitionTableException>(() => PartitionBinary.Read(bin.AsSpan(0, 100)));
        Assert.Equal(PartitionRefusal.BadLength, cut.Kind);
        Assert.Contains("stops at byte 100", cut.Message);
        var unterminated = Assert.Throws<PartitionTableException>(() => PartitionBinary.Read(bin.AsSpan(0, 192)));
        Assert.Equal(PartitionRefusal.NoEndMarker, unterminated.Kind);
        Assert.Contains("end marker", unterminated.Message);
    }

    [Fact]
    public void Bad_magic_is_refused_and_unknown_flags_are_dropped_with_a_warning()
    {
        byte[] bin = PartitionBinary.Write(new PartitionTable(new[] { new PartitionEntry("x", 1, 2, 0x9000, 0x6000, Encrypted: true) }));
        byte[] magic = (byte[])bin.Clone();
        magic[1] = 0x51;
        var e = Assert.Throws<PartitionTableException>(() => PartitionBinary.Read(magic));
        Assert.Equal(PartitionRefusal.BadMagic, e.Kind);

        // An unknown bit with a matching MD5: gen_esp32part warns and keeps the known flags.
        byte[] flags = (byte[])bin.Clone();
        flags[28] = 0x05;
        MD5.HashData(flags.AsSpan(0, 32)).CopyTo(flags, 48);
        var table = PartitionBinary.Read(flags);
        Assert.True(table.Entries[0].Encrypted);
        Assert.Contains("unknown flag bits 0x00000004", Assert.Single(table.Warnings));
    }

    [Fact]
    public void A_whole_erased_sector_read_back_from_flash_parses()
    {
        byte[] sector = new byte[0x1000];
        Array.Fill(sector, (byte)0xFF);
        PartitionBinary.Write(Stock()).CopyTo(sector, 0);
        Assert.Equal(Stock().Entries, PartitionBinary.Read(sector).Entries);
    }
}
