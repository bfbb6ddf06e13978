using System.Security.Cryptography;
using CsCheck;
using NodeFirmware.Nodectl.Flashing;
using NodeSim.RomBootloader;

namespace NodeFirmware.Nodectl.Tests.Flashing;

public class ClientSimulatorFlashingTests
{
    private const int SmallFlash = 512 * 1024;

    private static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static void AssertFlashedExactly(ReadOnlySpan<byte> before, ReadOnlySpan<byte> after, FlashImage image)
    {
        int start = (int)image.Offset;
        int end = start + image.Data.Length;
        int padded = start + ((image.Data.Length + 3) / 4 * 4);
        int sectorEnd = (end + 0xFFF) / 0x1000 * 0x1000;
        Assert.True(after.Slice(start, image.Data.Length).SequenceEqual(image.Data), "image bytes differ");
        Assert.True(after[..start].SequenceEqual(before[..start]), "bytes before the image changed");
        Assert.True(after[sectorEnd..].SequenceEqual(before[sectorEnd..]), "bytes after the image's last sector changed");
        Assert.True(after[end..sectorEnd].IndexOfAnyExcept((byte)0xFF) < 0 || padded > end, "tail of the last sector is not erased");
        Assert.True(after[padded..sectorEnd].IndexOfAnyExcept((byte)0xFF) < 0, "tail of the last sector is not erased");
    }

    [Fact]
    public void Random_images_at_random_offsets_land_exactly_compressed_or_not()
    {
        var gen = Gen.Select(Gen.Int[1, 40_000], Gen.Int[0, (SmallFlash - 48 * 1024) / 0x1000], Gen.Bool, Gen.Int[0, 1000]);
        gen.Sample((length, sector, compress, seed) =>
        {
            using var rig = new RomRig(new SimulatedRomOptions { FlashSize = SmallFlash });
            var before = Pattern(SmallFlash, seed + 1);
            rig.Sim.Flash.Load(0, before);
            rig.Ready();
            var image = new FlashImage((uint)(sector * 0x1000), FirmwareLikeImage.Create(seed, length), "random.bin");

            var results = rig.Client.WriteFlash(new[] { image }, compress, verify: true);

            AssertFlashedExactly(before, rig.Sim.Flash.Contents, image);
            var padded = image.Data.Concat(Enumerable.Repeat((byte)0xFF, (4 - (length % 4)) % 4)).ToArray();
            Assert.Equal(Convert.ToHexStringLower(MD5.HashData(padded)), results[0].VerifiedMd5);
            Assert.Equal(compress, results[0].Compressed);
        }, iter: 40);
    }

    [Fact]
    public void Two_images_at_bootloader_and_app_offsets()
    {
        using var rig = new RomRig().Ready();
        var bootloader = new FlashImage(0x1000, FirmwareLikeImage.Create(1, 26_000), "bootloader.bin");
        var app = new FlashImage(0x10000, FirmwareLikeImage.Create(2, 200_000), "app.bin");
        var progress = new List<FlashProgress>();

        rig.Client.WriteFlash(new[] { bootloader, app }, compress: true, verify: true, progress.Add);

        Assert.True(rig.Sim.Flash.Read(0x1000, bootloader.Data.Length).SequenceEqual(bootloader.Data));
        Assert.True(rig.Sim.Flash.Read(0x10000, app.Data.Length).SequenceEqual(app.Data));
        Assert.Equal(app.Data.Length, progress.Last(p => p.ImageIndex == 1 && p.Phase == "writing").BytesWritten);
        Assert.Contains(progress, p => p.Phase == "verifying");
    }

    [Fact]
    public void Compression_sends_fewer_bytes_for_compressible_images()
    {
        var image = new FlashImage(0x10000, FirmwareLikeImage.Create(3, 100_000), "app.bin");
        using var plain = new RomRig().Ready();
        using var deflated = new RomRig().Ready();
        long plainBefore = plain.Link.BytesToPeer;
        long deflatedBefore = deflated.Link.BytesToPeer;

        plain.Client.WriteFlash(new[] { image }, compress: false, verify: false);
        deflated.Client.WriteFlash(new[] { image }, compress: true, verify: false);

        long plainBytes = plain.Link.BytesToPeer - plainBefore;
        long deflatedBytes = deflated.Link.BytesToPeer - deflatedBefore;
        Assert.True(deflatedBytes < plainBytes * 3 / 4, $"deflated {deflatedBytes} vs plain {plainBytes}");
        Assert.True(plain.Sim.Flash.Read(0x10000, image.Data.Length).SequenceEqual(deflated.Sim.Flash.Read(0x10000, image.Data.Length)));
    }

    [Fact]
    public void Verify_catches_flash_that_differs_from_the_image()
    {
        using var rig = new RomRig().Ready();
        var image = new FlashImage(0x20000, Pattern(5000, 4), "app.bin");
        rig.Client.WriteFlash(new[] { image }, compress: false, verify: true);
        rig.Sim.Flash.Load(0x20000 + 1234, new byte[] { (byte)~image.Data[1234] });

        var e = Assert.Throws<FlashVerificationException>(() => rig.Client.VerifyImage(image));
        Assert.Contains("does not match", e.Message);
    }

    [Fact]
    public void Mac_chip_and_flash_id_are_read_from_registers()
    {
        var mac = new byte[] { 0x30, 0xAE, 0xA4, 0x01, 0x02, 0x03 };
        using var rig = new RomRig(new SimulatedRomOptions { Mac = mac });
        rig.Client.Connect();

        Assert.Equal("ESP32", rig.Client.DetectChip());
        Assert.Equal("30:ae:a4:01:02:03", rig.Client.ReadMac().ToString());
        Assert.Equal("esp32-30aea4010203", rig.Client.ReadMac().ToDeviceId());
        Assert.Equal(rig.Sim.Flash.JedecId, rig.Client.ReadFlashId());
    }

    [Fact]
    public void Another_chip_is_refused_by_name_of_its_magic()
    {
        using var rig = new RomRig(new SimulatedRomOptions { ChipMagic = 0x000007C6 });
        rig.Client.Connect();
        var e = Assert.Throws<FlashingException>(() => rig.Client.DetectChip());
        Assert.Contains("0x000007C6", e.Message);
    }

    [Fact]
    public void Baud_rate_change_keeps_both_sides_talking()
    {
        using var rig = new RomRig().Ready();
        rig.Client.ChangeBaudRate(921600);
        var image = new FlashImage(0x8000, Pattern(3000, 5), "nvs.bin");

        rig.Client.WriteFlash(new[] { image }, compress: true, verify: true);

        Assert.Equal(921600, rig.Link.BaudRate);
        Assert.True(rig.Sim.Flash.Read(0x8000, 3000).SequenceEqual(image.Data));
    }

    [Fact]
    public void Hard_reset_boots_the_application()
    {
        using var rig = new RomRig().Ready();
        rig.Client.HardReset();
        rig.LetEnRise();
        Assert.Equal(RomChipState.RunningApplication, rig.Sim.State);
        Assert.Throws<InvalidOperationException>(() => rig.Client.ReadReg(0x40001000));
    }

    [Fact]
    public void Bad_layouts_are_refused_before_anything_is_erased()
    {
        using var rig = new RomRig().Ready();
        var unaligned = new FlashImage(0x1800, new byte[10], "a.bin");
        var e = Assert.Throws<FlashingException>(() => rig.Client.WriteFlash(new[] { unaligned }, true, true));
        Assert.Contains("not aligned", e.Message);

        var first = new FlashImage(0x1000, new byte[0x2000], "a.bin");
        var overlapping = new FlashImage(0x2000, new byte[16], "b.bin");
        e = Assert.Throws<FlashingException>(() => rig.Client.WriteFlash(new[] { first, overlapping }, true, true));
        Assert.Contains("overlaps", e.Message);
        Assert.Equal(0, rig.Sim.Flash.SectorsErased);
    }

    [Fact]
    public void Image_past_the_end_of_flash_is_refused_by_the_rom()
    {
        using var rig = new RomRig(new SimulatedRomOptions { FlashSize = SmallFlash }).Ready();
        var image = new FlashImage(SmallFlash - 0x1000, new byte[0x2000], "big.bin");
        var e = Assert.Throws<RomCommandFailedException>(() => rig.Client.WriteFlash(new[] { image }, false, false));
        Assert.Equal(RomErrorCode.FailedToAct, e.Error);
        Assert.Equal(RomCommand.FLASH_BEGIN, e.Command);
    }
}
