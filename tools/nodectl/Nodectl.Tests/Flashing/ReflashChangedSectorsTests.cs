using NodeFirmware.Nodectl.Flashing;
using NodeSim.RomBootloader;
using Spectre.Console;

namespace NodeFirmware.Nodectl.Tests.Flashing;

/// <summary>
/// Reflashing only the sectors that changed, against the simulated ROM loader: what crossed the wire (the chip's
/// traffic counters), what it erased and programmed, and that every byte outside the changed sectors is untouched.
/// </summary>
public class ReflashChangedSectorsTests
{
    private const int Sector = RomProtocol.FLASH_SECTOR_SIZE;
    private const uint AppOffset = 0x10000;

    private static byte[] Firmware(int length, int seed = 1) => FirmwareLikeImage.Create(seed, length);

    /// <summary>A board that was flashed with <paramref name="old"/> at <paramref name="offset"/>, with data in the sectors around it.</summary>
    private static RomRig BoardWith(uint offset, byte[] old, SimulatedRomOptions? sim = null, EspRomClientOptions? client = null)
    {
        var rig = new RomRig(sim, client);
        var neighbour = new byte[Sector];
        neighbour.AsSpan().Fill(0xA5);
        if (offset >= Sector)
        {
            rig.Sim.Flash.Load(offset - Sector, neighbour);
        }

        uint end = offset + (uint)EspRomClient.SectorImage(old).Length;
        if (end + Sector <= rig.Sim.Flash.Size)
        {
            rig.Sim.Flash.Load(end, neighbour);
        }

        rig.Sim.Flash.Load(offset, old);
        rig.Ready();
        return rig;
    }

    private sealed record Snapshot(long Erased, long Programmed, int Programs, byte[] Flash);

    private static Snapshot Take(RomRig rig)
    {
        rig.Sim.Traffic.Reset();
        return new Snapshot(rig.Sim.Flash.SectorsErased, rig.Sim.Flash.BytesProgrammed, rig.Sim.Flash.ProgrammedRanges.Count, rig.Sim.Flash.Contents.ToArray());
    }

    /// <summary>Every byte outside [from, to) is as it was, and the chip erased and programmed nothing outside it.</summary>
    private static void AssertUntouchedOutside(RomRig rig, Snapshot before, long from, long to)
    {
        var now = rig.Sim.Flash.Contents;
        Assert.True(now[..(int)from].SequenceEqual(before.Flash.AsSpan(0, (int)from)), $"flash below 0x{from:X} changed");
        Assert.True(now[(int)to..].SequenceEqual(before.Flash.AsSpan((int)to)), $"flash from 0x{to:X} on changed");
        Assert.All(rig.Sim.Flash.ErasedSectors.Skip((int)before.Erased), e => Assert.InRange(e.Address, from, to - RomProtocol.FLASH_SECTOR_SIZE));
        Assert.All(rig.Sim.Flash.ProgrammedRanges.Skip(before.Programs), p => Assert.True(p.Address >= from && p.End <= to, $"programmed 0x{p.Address:X}..0x{p.End:X}"));
    }

    [Fact]
    public void An_unchanged_image_sends_no_data_blocks_and_erases_nothing()
    {
        var app = Firmware(70_000);
        using var rig = BoardWith(AppOffset, app);
        var before = Take(rig);

        var result = rig.Client.WriteChangedSectors(new[] { new FlashImage(AppOffset, app, "app.bin") }, compress: true, verify: true).Single();

        Assert.Equal(0, rig.Sim.Traffic.RequestsFor(RomWire.FLASH_DEFL_BEGIN));
        Assert.Equal(0, rig.Sim.Traffic.RequestsFor(RomWire.FLASH_DEFL_DATA));
        Assert.Equal(before.Erased, rig.Sim.Flash.SectorsErased);
        Assert.Equal(before.Programmed, rig.Sim.Flash.BytesProgrammed);
        Assert.Equal(0, result.Write.BytesSent);
        Assert.Equal(18, result.SectorsSkipped);
        Assert.Equal(18L * Sector, result.BytesSkipped);
        Assert.NotNull(result.Write.VerifiedMd5);
        Assert.Equal(2, rig.Sim.Traffic.RequestsFor(RomWire.SPI_FLASH_MD5)); // the comparison and the final verify
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_one_sector_change_writes_only_that_sector(bool compress)
    {
        var old = Firmware(70_000);
        var app = old.ToArray();
        app[(7 * Sector) + 1234] ^= 0x5A;
        using var rig = BoardWith(AppOffset, old);
        var before = Take(rig);

        var result = rig.Client.WriteChangedSectors(new[] { new FlashImage(AppOffset, app, "app.bin") }, compress, verify: true).Single();

        uint changed = AppOffset + (7 * Sector);
        Assert.Equal(new[] { new SectorRun(changed, Sector) }, result.Changes.Runs);
        Assert.Equal(1, rig.Sim.Traffic.RequestsFor(compress ? RomWire.FLASH_DEFL_BEGIN : RomWire.FLASH_BEGIN));
        Assert.Equal(compress ? 0 : 0, rig.Sim.Traffic.RequestsFor(compress ? RomWire.FLASH_BEGIN : RomWire.FLASH_DEFL_BEGIN));
        Assert.InRange(rig.Sim.Traffic.RequestsFor(compress ? RomWire.FLASH_DEFL_DATA : RomWire.FLASH_DATA), 1, 4); // one sector: 4 KiB at most
        Assert.Equal(before.Erased + 1, rig.Sim.Flash.SectorsErased);
        Assert.Equal(before.Programmed + Sector, rig.Sim.Flash.BytesProgrammed);
        Assert.True(rig.Sim.Flash.Read(AppOffset, app.Length).SequenceEqual(app));
        AssertUntouchedOutside(rig, before, changed, changed + Sector);
        Assert.Equal(17, result.SectorsSkipped);
    }

    [Fact]
    public void A_plain_run_uses_packets_that_divide_it_so_no_padding_spills_into_the_next_sector()
    {
        var old = Firmware(64 * 1024);
        var app = old.ToArray();
        app[(3 * Sector) + 5] ^= 1;
        using var rig = BoardWith(AppOffset, old, client: RomRig.FastOptions with { FlashBlockSize = RomProtocol.LARGE_FLASH_WRITE_SIZE });
        var before = Take(rig);

        rig.Client.WriteChangedSectors(new[] { new FlashImage(AppOffset, app, "app.bin") }, compress: false, verify: true);

        Assert.Equal(1, rig.Sim.Traffic.RequestsFor(RomWire.FLASH_DATA)); // one 4 KiB packet, not a padded 16 KiB one
        uint changed = AppOffset + (3 * Sector);
        AssertUntouchedOutside(rig, before, changed, changed + Sector);
    }

    [Fact]
    public void A_change_in_the_last_sector_of_the_chip_is_written_there_and_nowhere_else()
    {
        var sim = new SimulatedRomOptions { FlashSize = 1024 * 1024 };
        uint offset = (uint)sim.FlashSize - (16 * Sector);
        var old = Firmware(16 * Sector);
        var app = old.ToArray();
        app[^1] ^= 0x80;
        using var rig = BoardWith(offset, old, sim);
        rig.Client.SetFlashParameters((uint)sim.FlashSize);
        var before = Take(rig);

        var result = rig.Client.WriteChangedSectors(new[] { new FlashImage(offset, app, "tail.bin") }, compress: true, verify: true).Single();

        uint last = (uint)sim.FlashSize - Sector;
        Assert.Equal(new[] { new SectorRun(last, Sector) }, result.Changes.Runs);
        Assert.Equal(before.Erased + 1, rig.Sim.Flash.SectorsErased);
        Assert.True(rig.Sim.Flash.Read(offset, app.Length).SequenceEqual(app));
        AssertUntouchedOutside(rig, before, last, sim.FlashSize);
    }

    [Fact]
    public void A_board_whose_flash_differs_in_one_bit_in_the_middle_gets_that_sector_rewritten()
    {
        var app = Firmware(256 * 1024, seed: 9);
        var rotten = app.ToArray();
        int middle = app.Length / 2 + 333;
        rotten[middle] ^= 0x10;
        using var rig = BoardWith(AppOffset, rotten);
        var before = Take(rig);

        var result = rig.Client.WriteChangedSectors(new[] { new FlashImage(AppOffset, app, "app.bin") }, compress: true, verify: true).Single();

        uint sector = AppOffset + (uint)(middle / Sector * Sector);
        Assert.Equal(new[] { new SectorRun(sector, Sector) }, result.Changes.Runs);
        Assert.True(rig.Sim.Flash.Read(AppOffset, app.Length).SequenceEqual(app));
        AssertUntouchedOutside(rig, before, sector, sector + Sector);
        Assert.InRange(result.Changes.Md5Queries, 2, 1 + (2 * 6)); // 64 sectors: one or two queries per halving
    }

    [Fact]
    public void Stale_bytes_after_the_image_in_its_last_sector_are_cleared_as_a_whole_write_would()
    {
        var app = Firmware(10_000);
        using var rig = BoardWith(AppOffset, app);
        var stale = new byte[] { 1, 2, 3, 4 };
        rig.Sim.Flash.Load(AppOffset + 10_000 + 100, stale); // inside the image's third sector, after its end
        var before = Take(rig);

        var result = rig.Client.WriteChangedSectors(new[] { new FlashImage(AppOffset, app, "app.bin") }, compress: true, verify: true).Single();

        uint third = AppOffset + (2 * Sector);
        Assert.Equal(new[] { new SectorRun(third, Sector) }, result.Changes.Runs);
        Assert.True(rig.Sim.Flash.Read(AppOffset + 10_000, (3 * Sector) - 10_000).ToArray().All(b => b == 0xFF));
        AssertUntouchedOutside(rig, before, third, third + Sector);
    }

    [Fact]
    public void Several_changes_are_written_as_separate_sector_runs_leaving_the_sectors_between_untouched()
    {
        var old = Firmware(40 * Sector, seed: 4);
        var app = old.ToArray();
        foreach (int s in new[] { 2, 3, 20 })
        {
            app[(s * Sector) + 10] ^= 0xFF;
        }

        using var rig = BoardWith(AppOffset, old);
        var before = Take(rig);
        var result = rig.Client.WriteChangedSectors(new[] { new FlashImage(AppOffset, app, "app.bin") }, compress: true, verify: true).Single();

        Assert.Equal(new[] { new SectorRun(AppOffset + (2 * Sector), 2 * Sector), new SectorRun(AppOffset + (20 * Sector), Sector) }, result.Changes.Runs);
        Assert.Equal(2, rig.Sim.Traffic.RequestsFor(RomWire.FLASH_DEFL_BEGIN));
        Assert.Equal(before.Erased + 3, rig.Sim.Flash.SectorsErased);
        Assert.True(rig.Sim.Flash.Contents.SequenceEqual(Expected(before.Flash, AppOffset, app)));
    }

    [Fact]
    public void The_flash_command_writes_changed_sectors_by_default_says_what_it_skipped_and_full_writes_all()
    {
        var old = Firmware(70_000);
        var app = old.ToArray();
        app[100] ^= 1;
        using var rig = BoardWith(AppOffset, old);
        var (console, text) = TestConsole.Create();
        var image = new FlashImage(AppOffset, app, "app.bin");

        Assert.Equal(0, FlashRunner.Flash(rig.Client, new FlashRequest(new[] { image }, 115200, Compress: true, Verify: true, ResetAfter: false, FlashSize: 4 * 1024 * 1024), console));
        Assert.Contains("1 of 18 sectors changed and written; 17 sectors (69632 bytes) already matched and were skipped", text.ToString());
        Assert.Equal(1, rig.Sim.Traffic.RequestsFor(RomWire.FLASH_DEFL_BEGIN));

        rig.Sim.Traffic.Reset();
        rig.Ready();
        long erased = rig.Sim.Flash.SectorsErased;
        Assert.Equal(0, FlashRunner.Flash(rig.Client, new FlashRequest(new[] { image }, 115200, Compress: true, Verify: true, ResetAfter: false, FlashSize: 4 * 1024 * 1024, Full: true), console));
        Assert.True(rig.Sim.Flash.SectorsErased - erased >= 18);
        Assert.Equal(0, rig.Sim.Traffic.RequestsFor(RomWire.SPI_FLASH_MD5) - 1); // only the final verify
    }

    private static byte[] Expected(byte[] before, uint offset, byte[] image)
    {
        var expected = before.ToArray();
        EspRomClient.SectorImage(image).CopyTo(expected, offset);
        return expected;
    }
}
