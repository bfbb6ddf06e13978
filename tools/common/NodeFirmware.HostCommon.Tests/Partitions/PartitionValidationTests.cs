using NodeFirmware.HostCommon.Partitions;

namespace NodeFirmware.HostCommon.Tests.Partitions;

public class PartitionValidationTests
{
    private static readonly PartitionLayout FourMb = PartitionLayout.Esp32(4 * 1024 * 1024);

    private static PartitionEntry Data(string name, uint offset, uint size, byte subtype = PartitionTypes.DataSpiffs) =>
        new(name, PartitionTypes.Data, subtype, offset, size);

    private static string Refusal(params PartitionEntry[] entries) =>
        Assert.Throws<PartitionTableException>(() => new PartitionTable(entries).Validate(FourMb)).Message;

    [Fact]
    public void Overlap_is_refused_even_when_rows_are_out_of_order()
    {
        string m = Refusal(Data("b", 0x20000, 0x10000), Data("a", 0x10000, 0x10001));
        Assert.Contains("'b' at 0x20000 overlaps 'a'", m);
    }

    [Fact]
    public void Adjacent_partitions_are_fine()
    {
        new PartitionTable(new[] { Data("a", 0x10000, 0x10000), Data("b", 0x20000, 0x10000) }).Validate(FourMb);
    }

    [Fact]
    public void Misaligned_app_offset_is_refused()
    {
        string m = Refusal(new PartitionEntry("app", PartitionTypes.App, PartitionTypes.AppFactory, 0x11000, 0x100000));
        Assert.Contains("offset 0x11000 is not aligned to 0x10000", m);
    }

    [Fact]
    public void Misaligned_data_offset_is_refused()
    {
        Assert.Contains("not aligned to 0x1000", Refusal(Data("d", 0x9800, 0x1000)));
    }

    [Fact]
    public void App_size_must_be_whole_sectors()
    {
        Assert.Contains("not a multiple of 0x1000", Refusal(new PartitionEntry("app", PartitionTypes.App, 0x10, 0x10000, 0x100800)));
    }

    [Fact]
    public void Table_must_fit_in_flash()
    {
        string m = Refusal(Data("big", 0x3C0000, 0x50000));
        Assert.Contains("beyond the 0x400000-byte (4 MB) flash", m);
        new PartitionTable(new[] { Data("big", 0x3C0000, 0x50000) }).Validate(PartitionLayout.Esp32(8 * 1024 * 1024));
    }

    [Fact]
    public void Partitions_below_the_table_sector_are_refused()
    {
        Assert.Contains("below 0x9000", Refusal(Data("early", 0x8000, 0x1000)));
        var moved = new PartitionLayout(TableOffset: 0x10000, FlashSize: 4 * 1024 * 1024);
        Assert.Throws<PartitionTableException>(() => new PartitionTable(new[] { Data("nvs", 0x9000, 0x6000) }).Validate(moved));
    }

    [Fact]
    public void Names_must_be_unique_but_may_be_empty_or_long_as_gen_esp32part_allows()
    {
        Assert.Contains("used 2 times", Refusal(Data("x", 0x9000, 0x1000), Data("x", 0xA000, 0x1000)));
        new PartitionTable(new[] { Data("", 0x9000, 0x1000) }).Validate(FourMb);
        new PartitionTable(new[] { Data("seventeen-chars-x", 0x9000, 0x1000), Data("seventeen-chars-y", 0xA000, 0x1000) }).Validate(FourMb);
    }

    [Fact]
    public void Otadata_is_unique_and_two_sectors()
    {
        Assert.Contains("must be 0x2000", Refusal(Data("otadata", 0xD000, 0x1000, PartitionTypes.DataOta)));
        Assert.Contains("2 otadata partitions (o1, o2", Refusal(Data("o1", 0xD000, 0x2000, PartitionTypes.DataOta), Data("o2", 0x20000, 0x2000, PartitionTypes.DataOta)));
    }

    [Fact]
    public void Small_nvs_must_be_readonly_and_otadata_cannot_be()
    {
        Assert.Contains("must be flagged readonly", Refusal(Data("nvs", 0x9000, 0x2000, PartitionTypes.DataNvs)));
        new PartitionTable(new[] { Data("nvs", 0x9000, 0x2000, PartitionTypes.DataNvs) with { ReadOnly = true } }).Validate(FourMb);
        Assert.Contains("always read-write", Refusal(Data("otadata", 0xD000, 0x2000, PartitionTypes.DataOta) with { ReadOnly = true }));
    }

    [Fact]
    public void The_entry_count_is_checked_when_the_binary_is_written_not_here()
    {
        // gen_esp32part's verify does not count entries; its binary writer refuses what leaves no room for the end marker.
        var many = Enumerable.Range(0, 96).Select(i => Data($"p{i}", (uint)(0x10000 + i * 0x1000), 0x1000)).ToArray();
        new PartitionTable(many).Validate(FourMb);
    }

    [Fact]
    public void Random_non_overlapping_tables_validate_and_any_overlap_is_caught()
    {
        var rng = new Random(1234);
        for (int round = 0; round < 200; round++)
        {
            var entries = new List<PartitionEntry>();
            uint at = 0x9000;
            int n = rng.Next(1, 12);
            for (int i = 0; i < n; i++)
            {
                at += (uint)rng.Next(0, 4) * 0x1000;
                uint size = (uint)rng.Next(1, 40) * 0x1000;
                entries.Add(Data($"p{i}", at, size));
                at += size;
            }
            var shuffled = entries.OrderBy(_ => rng.Next()).ToList();
            new PartitionTable(shuffled).Validate(FourMb);

            if (n < 2) continue;
            int victim = rng.Next(1, n);
            var prev = entries[victim - 1];
            var moved = entries[victim] with { Offset = prev.Offset + (uint)rng.Next(0, (int)(prev.Size / 0x1000)) * 0x1000 };
            entries[victim] = moved;
            Assert.Throws<PartitionTableException>(() => new PartitionTable(entries).Validate(FourMb));
        }
    }
}
