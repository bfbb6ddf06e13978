using NodeFirmware.Nodectl.Flashing;

namespace NodeFirmware.Nodectl.Tests.Flashing;

/// <summary>The MD5 search for changed sectors, against a flash held in an array (no serial line).</summary>
public class ChangedSectorSearchTests
{
    private const int Sector = RomProtocol.FLASH_SECTOR_SIZE;
    private const uint Base = 0x10000;

    private static byte[] Pattern(int sectors, int seed)
    {
        var data = new byte[sectors * Sector];
        new Random(seed).NextBytes(data);
        return data;
    }

    private static (ChangedSectors Result, List<(uint, uint)> Asked) Search(byte[] flash, byte[] target, int? budget = null)
    {
        var asked = new List<(uint, uint)>();
        var result = ChangedSectorSearch.Find(Base, target, (address, length) =>
        {
            asked.Add((address, length));
            return ChangedSectorSearch.Md5Hex(flash.AsSpan((int)(address - Base), (int)length));
        }, budget);
        return (result, asked);
    }

    [Fact]
    public void Identical_region_costs_one_query_and_changes_nothing()
    {
        var data = Pattern(64, 1);
        var (result, asked) = Search(data, data.ToArray());
        Assert.Empty(result.Runs);
        Assert.Equal(new[] { (Base, (uint)data.Length) }, asked);
    }

    [Fact]
    public void Blank_flash_is_one_run_after_one_query()
    {
        var blank = new byte[64 * Sector];
        blank.AsSpan().Fill(0xFF);
        var (result, asked) = Search(blank, Pattern(64, 2));
        Assert.Equal(new[] { new SectorRun(Base, 64 * Sector) }, result.Runs);
        Assert.Single(asked);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(17)]
    [InlineData(63)]
    public void One_changed_sector_is_found_alone_with_few_queries(int changedSector)
    {
        var flash = Pattern(64, 3);
        var target = flash.ToArray();
        target[(changedSector * Sector) + 100] ^= 0x04;
        var (result, asked) = Search(flash, target);
        Assert.Equal(new[] { new SectorRun(Base + (uint)(changedSector * Sector), Sector) }, result.Runs);
        Assert.InRange(asked.Count, 2, 14); // halving 64 sectors: about log2(64) + 1 queries
        Assert.False(result.QueryBudgetSpent);
    }

    [Fact]
    public void Separate_changes_stay_separate_runs_and_adjacent_ones_merge()
    {
        var flash = Pattern(40, 4);
        var target = flash.ToArray();
        foreach (int s in new[] { 3, 4, 5, 30 })
        {
            target[(s * Sector) + 7] ^= 0xFF;
        }

        var (result, _) = Search(flash, target);
        Assert.Equal(new[] { new SectorRun(Base + (3 * Sector), 3 * Sector), new SectorRun(Base + (30 * Sector), Sector) }, result.Runs);
    }

    [Fact]
    public void When_the_budget_runs_out_the_unsettled_ranges_are_written_whole()
    {
        var flash = Pattern(64, 5);
        var target = Pattern(64, 6); // everything differs, nothing is blank
        var (result, asked) = Search(flash, target, budget: 5);
        Assert.True(result.QueryBudgetSpent);
        Assert.Equal(5, asked.Count);
        Assert.Equal(new[] { new SectorRun(Base, 64 * Sector) }, result.Runs);
    }

    [Fact]
    public void Random_changes_are_always_covered_and_clean_sectors_never_written()
    {
        var random = new Random(11);
        for (int round = 0; round < 200; round++)
        {
            int sectors = random.Next(1, 50);
            var flash = Pattern(sectors, round);
            var target = flash.ToArray();
            for (int i = random.Next(0, 4); i > 0; i--)
            {
                target[(random.Next(sectors) * Sector) + random.Next(Sector)] ^= (byte)(1 << random.Next(8));
            }

            var changed = Enumerable.Range(0, sectors)
                .Where(s => !flash.AsSpan(s * Sector, Sector).SequenceEqual(target.AsSpan(s * Sector, Sector)))
                .ToHashSet();

            var (result, _) = Search(flash, target, budget: 1000);
            var written = result.Runs.SelectMany(r => Enumerable.Range((int)((r.Offset - Base) / Sector), r.Sectors)).ToHashSet();
            Assert.Equal(changed.OrderBy(s => s), written.OrderBy(s => s));
        }
    }
}
