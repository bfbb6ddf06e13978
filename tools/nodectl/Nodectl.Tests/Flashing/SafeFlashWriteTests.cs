using CsCheck;
using NodeFirmware.Nodectl.Flashing;
using NodeSim.RomBootloader;

namespace NodeFirmware.Nodectl.Tests.Flashing;

/// <summary>
/// Issue 15: nodectl's writes, judged by the ROM's flash rules, over flash that already holds other data (as on a
/// board that was provisioned before). A write may only erase and program the sectors its image occupies: every
/// other byte stays as it was, and the simulator's record of erased sectors and programmed ranges shows it.
/// </summary>
public class SafeFlashWriteTests
{
    private const int SmallFlash = 512 * 1024;
    private const int Sector = 0x1000;

    private static byte[] ProvisionedFlash(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        bytes.AsSpan().Replace((byte)0xFF, (byte)0x3C); // no byte reads as erased, so stray padding cannot go unnoticed
        return bytes;
    }

    private static RomRig ProvisionedRig(int flashSize, int seed, out byte[] before, EspRomClientOptions? options = null)
    {
        var rig = new RomRig(new SimulatedRomOptions { FlashSize = flashSize }, options ?? RomRig.DefaultPacketOptions).Ready();
        rig.Client.SetFlashParameters((uint)flashSize);
        before = ProvisionedFlash(flashSize, seed);
        rig.Sim.Flash.Load(0, before);
        return rig;
    }

    private static (long Start, long End) SectorsOf(FlashImage image) =>
        (image.Offset, (image.Offset + (long)image.Data.Length + Sector - 1) / Sector * Sector);

    /// <summary>Each image is in place, the rest of its sectors is erased, and nothing outside its sectors was touched.</summary>
    private static void AssertOnlyTheImagesSectorsChanged(ReadOnlySpan<byte> before, SimulatedSpiFlash flash, params FlashImage[] images)
    {
        var spans = images.Select(SectorsOf).OrderBy(s => s.Start).ToList();
        var after = flash.Contents;
        long at = 0;
        foreach (var (start, end) in spans)
        {
            Assert.True(after[(int)at..(int)start].SequenceEqual(before[(int)at..(int)start]), $"bytes in 0x{at:X}..0x{start:X}, outside every image's sectors, changed");
            at = end;
        }

        Assert.True(after[(int)at..].SequenceEqual(before[(int)at..]), $"bytes from 0x{at:X} on, outside every image's sectors, changed");
        foreach (var image in images)
        {
            var (_, end) = SectorsOf(image);
            long imageEnd = image.Offset + (long)image.Data.Length;
            Assert.True(flash.Read(image.Offset, image.Data.Length).SequenceEqual(image.Data), $"{image.Name} is not in flash at 0x{image.Offset:X}");
            Assert.True(after[(int)imageEnd..(int)end].IndexOfAnyExcept((byte)0xFF) < 0, $"the rest of {image.Name}'s last sector is not erased");
        }

        foreach (var erased in flash.ErasedSectors)
        {
            Assert.True(spans.Any(s => erased.Address >= s.Start && erased.End <= s.End), $"sector 0x{erased.Address:X} erased by 0x{erased.Command:X2} lies outside the images");
        }

        foreach (var range in flash.ProgrammedRanges)
        {
            Assert.True(spans.Any(s => range.Address >= s.Start && range.End <= s.End), $"0x{range.Address:X}..0x{range.End:X} programmed by 0x{range.Command:X2} lies outside the images");
        }

        Assert.Equal(spans.Sum(s => (s.End - s.Start) / Sector), flash.ErasedSectors.Count); // and each sector only once
    }

    // Defect (a): the compressed erase size was rounded up to the 16 KB packet, erasing up to 12 KB past the image.
    [Fact]
    public void A_compressed_bootloader_write_leaves_the_partition_table_after_it_alone()
    {
        using var rig = ProvisionedRig(SmallFlash, seed: 11, out var before);
        var bootloader = new FlashImage(0x1000, FirmwareLikeImage.Create(1, 26_000), "bootloader.bin"); // ends in sector 0x7000

        rig.Client.WriteFlash(new[] { bootloader }, compress: true, verify: true);

        Assert.True(rig.Sim.Flash.Read(0x8000, 0x1000).SequenceEqual(before.AsSpan(0x8000, 0x1000)), "the partition table at 0x8000 was erased");
        AssertOnlyTheImagesSectorsChanged(before, rig.Sim.Flash, bootloader);
    }

    [Fact]
    public void A_compressed_partition_table_write_leaves_nvs_after_it_alone()
    {
        using var rig = ProvisionedRig(SmallFlash, seed: 12, out var before);
        var table = new FlashImage(0x8000, FirmwareLikeImage.Create(2, 0xC00), "partitions.bin");

        rig.Client.WriteFlash(new[] { table }, compress: true, verify: true);

        Assert.True(rig.Sim.Flash.Read(0x9000, 0x6000).SequenceEqual(before.AsSpan(0x9000, 0x6000)), "NVS at 0x9000 was erased");
        AssertOnlyTheImagesSectorsChanged(before, rig.Sim.Flash, table);
    }

    // Defect (b): a plain write padded its last packet to 16 KB and programmed the padding over sectors it had not erased.
    [Fact]
    public void A_plain_write_over_flash_that_is_not_blank_succeeds()
    {
        using var rig = ProvisionedRig(SmallFlash, seed: 13, out var before);
        var app = new FlashImage(0x10000, FirmwareLikeImage.Create(3, 70_000), "app.bin");

        rig.Client.WriteFlash(new[] { app }, compress: false, verify: true);

        AssertOnlyTheImagesSectorsChanged(before, rig.Sim.Flash, app);
    }

    // Defect (c): an image ending in the chip's last 12 KB announced an erase (compressed) or a packet (plain) past the chip.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_image_ending_in_the_last_12_KB_of_the_chip_is_written(bool compress)
    {
        using var rig = ProvisionedRig(SmallFlash, seed: 14, out var before);
        var image = new FlashImage(SmallFlash - 0x3000, FirmwareLikeImage.Create(4, 0x2800), "spiffs.bin");

        rig.Client.WriteFlash(new[] { image }, compress, verify: true);

        AssertOnlyTheImagesSectorsChanged(before, rig.Sim.Flash, image);
    }

    [Fact]
    public void A_plain_write_sends_whole_16_KB_packets_then_its_tail_as_one_packet_of_whole_sectors()
    {
        using var rig = ProvisionedRig(SmallFlash, seed: 16, out var before);
        var app = new FlashImage(0x10000, FirmwareLikeImage.Create(8, 70_000), "app.bin"); // 4 x 16 KB + 4464 bytes

        var result = rig.Client.WriteFlash(new[] { app }, compress: false, verify: true)[0];

        Assert.Equal(2, rig.Sim.Traffic.RequestsFor(RomWire.FLASH_BEGIN));
        Assert.Equal(new[] { 0x4000, 0x4000, 0x4000, 0x4000, 0x2000 }, rig.Sim.Flash.ProgrammedRanges.Select(r => r.Length));
        Assert.Equal((4 * 0x4000) + 0x2000, result.BytesSent);
        AssertOnlyTheImagesSectorsChanged(before, rig.Sim.Flash, app);
    }

    [Theory]
    [InlineData(0x600)]
    [InlineData(0x1800)]
    [InlineData(0x4002)]
    public void A_packet_size_that_neither_divides_nor_fills_whole_sectors_is_refused(int packet)
    {
        using var link = new InMemorySerialLink("unused");
        var e = Assert.Throws<ArgumentException>(() => new EspRomClient(link, RomRig.FastOptions with { FlashBlockSize = packet }));
        Assert.Contains("4 KB sector", e.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_factory_write_of_bootloader_table_and_app_leaves_nvs_otadata_and_the_rest_alone(bool compress)
    {
        using var rig = ProvisionedRig(4 * 1024 * 1024, seed: 15, out var before);
        var images = new[]
        {
            new FlashImage(0x1000, FirmwareLikeImage.Create(5, 26_011), "bootloader.bin"),
            new FlashImage(0x8000, FirmwareLikeImage.Create(6, 0xC00), "partitions.bin"),
            new FlashImage(0x10000, FirmwareLikeImage.Create(7, 200_003), "app.bin"),
        };

        rig.Client.WriteFlash(images, compress, verify: true);

        Assert.True(rig.Sim.Flash.Read(0x9000, 0x6000).SequenceEqual(before.AsSpan(0x9000, 0x6000)), "NVS at 0x9000 changed");
        Assert.True(rig.Sim.Flash.Read(0xF000, 0x1000).SequenceEqual(before.AsSpan(0xF000, 0x1000)), "the sector before the app changed");
        AssertOnlyTheImagesSectorsChanged(before, rig.Sim.Flash, images);
        byte begin = compress ? RomWire.FLASH_DEFL_BEGIN : RomWire.FLASH_BEGIN;
        byte data = compress ? RomWire.FLASH_DEFL_DATA : RomWire.FLASH_DATA;
        Assert.All(rig.Sim.Flash.ErasedSectors, s => Assert.Equal(begin, s.Command));
        Assert.All(rig.Sim.Flash.ProgrammedRanges, r => Assert.Equal(data, r.Command));
    }

    [Fact]
    public void Any_image_size_at_any_sector_incl_the_chip_end_changes_only_its_own_sectors()
    {
        var gen = Gen.Select(Gen.Int[1, 48_000], Gen.Int[0, 1 << 20], Gen.Bool, Gen.Bool, Gen.Int[0, 2].Select(i => 0x400 << (2 * i)), Gen.Int[0, 10_000]);
        gen.Sample((size, position, atChipEnd, compress, packet, seed) =>
        {
            int sectors = (size + Sector - 1) / Sector;
            int lastStart = (SmallFlash / Sector) - sectors;
            int sector = atChipEnd ? lastStart - (position % 3) : position % (lastStart + 1);
            using var rig = ProvisionedRig(SmallFlash, seed, out var before, RomRig.FastOptions with { FlashBlockSize = packet });
            var image = new FlashImage((uint)(sector * Sector), FirmwareLikeImage.Create(seed, size), "random.bin");

            rig.Client.WriteFlash(new[] { image }, compress, verify: true);

            AssertOnlyTheImagesSectorsChanged(before, rig.Sim.Flash, image);
        }, iter: 60);
    }
}
