using System.Security.Cryptography;
using NodeFirmware.Nodectl.Flashing;
using NodeSim.RomBootloader;

namespace NodeFirmware.Nodectl.Tests.Flashing;

/// <summary>
/// Issue 8's acceptance: a 1.5 MB image flashed into the simulated ROM loader reads back identical, and an injected
/// MD5 mismatch and a garbled response each fail naming the step. Uses the client's default block size (16 KB).
/// </summary>
public class LargeImageFlashingTests
{
    private static readonly EspRomClientOptions DefaultBlocks = RomRig.FastOptions with
    {
        FlashBlockSize = new EspRomClientOptions().FlashBlockSize,
    };

    private static readonly FlashImage App = new(0x10000, FirmwareLikeImage.Create(seed: 8), "app.bin");

    [Fact]
    public void A_1_5_MB_image_reads_back_identical_over_read_flash_slow()
    {
        using var rig = new RomRig(clientOptions: DefaultBlocks).Ready();
        Assert.Equal(FirmwareLikeImage.Size, App.Data.Length);

        var result = rig.Client.WriteFlash(new[] { App }, compress: true, verify: true)[0];
        var readBack = rig.Client.ReadFlash(App.Offset, App.Data.Length);

        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(App.Data)), result.VerifiedMd5);
        Assert.True(readBack.AsSpan().SequenceEqual(App.Data), "READ_FLASH_SLOW read back different bytes");
        Assert.True(rig.Sim.Flash.Read(App.Offset, App.Data.Length).SequenceEqual(App.Data), "simulated flash differs");
        Assert.True(result.BytesSent < App.Data.Length * 3 / 4, $"{result.BytesSent} compressed bytes for {App.Data.Length}");
        Assert.Equal((result.BytesSent + 0x3FFF) / 0x4000, rig.Sim.Traffic.RequestsFor(RomWire.FLASH_DEFL_DATA));
    }

    [Fact]
    public void Plain_1_5_MB_image_lands_identical_too()
    {
        using var rig = new RomRig(clientOptions: DefaultBlocks).Ready();

        rig.Client.WriteFlash(new[] { App }, compress: false, verify: true);

        Assert.True(rig.Sim.Flash.Read(App.Offset, App.Data.Length).SequenceEqual(App.Data));
        Assert.Equal(FirmwareLikeImage.Size / 0x4000, rig.Sim.Traffic.RequestsFor(RomWire.FLASH_DATA));
    }

    [Fact]
    public void A_wrong_md5_from_the_chip_is_reported_as_the_verification_step()
    {
        using var rig = new RomRig(clientOptions: DefaultBlocks).Ready();
        rig.Sim.Fault = new RomFaultPlan(RomFault.WrongMd5, RomWire.SPI_FLASH_MD5, Count: int.MaxValue);

        var e = Assert.Throws<FlashVerificationException>(() => rig.Client.WriteFlash(new[] { App }, compress: true, verify: true));

        Assert.StartsWith("SPI_FLASH_MD5 verification of app.bin at 0x10000:", e.Message);
        Assert.Contains("does not match", e.Message);
    }

    [Fact]
    public void Data_corrupted_past_the_block_checksum_is_caught_by_the_md5_step()
    {
        using var rig = new RomRig(clientOptions: DefaultBlocks).Ready();
        // Plain data: in a deflated block the same flip breaks the zlib stream, which the ROM reports itself.
        rig.Sim.Fault = new RomFaultPlan(RomFault.CorruptRequestPassingChecksum, RomWire.FLASH_DATA, Skip: 30);

        var e = Assert.Throws<FlashVerificationException>(() => rig.Client.WriteFlash(new[] { App }, compress: false, verify: true));

        Assert.StartsWith("SPI_FLASH_MD5 verification of app.bin", e.Message);
        Assert.False(rig.Sim.Flash.Read(App.Offset, App.Data.Length).SequenceEqual(App.Data));
    }

    [Fact]
    public void A_garbled_response_names_the_block_that_failed()
    {
        using var rig = new RomRig(clientOptions: DefaultBlocks).Ready();
        rig.Sim.Fault = new RomFaultPlan(RomFault.CorruptResponseFrame, RomWire.FLASH_DEFL_DATA, Skip: 17, Count: int.MaxValue);

        var e = Assert.ThrowsAny<FlashingException>(() => rig.Client.WriteFlash(new[] { App }, compress: true, verify: true));

        Assert.Matches(@"^FLASH_DEFL_DATA block 18/\d+ \(seq 17\) of app\.bin failed after 3 attempts: ", e.Message);
        Assert.Contains("invalid SLIP escape", e.Message);
    }

    [Fact]
    public void A_garbled_read_back_names_the_read_block()
    {
        using var rig = new RomRig(clientOptions: DefaultBlocks).Ready();
        var small = new FlashImage(0x20000, FirmwareLikeImage.Create(seed: 9, size: 8192), "nvs.bin");
        rig.Client.WriteFlash(new[] { small }, compress: true, verify: false);
        rig.Sim.Fault = new RomFaultPlan(RomFault.ReplyGarbage, RomWire.READ_FLASH_SLOW, Skip: 5, Count: int.MaxValue);

        var e = Assert.ThrowsAny<FlashingException>(() => rig.Client.ReadFlash(small.Offset, small.Data.Length));

        Assert.StartsWith("READ_FLASH_SLOW block 6/128 at 0x20140 failed after 3 attempts", e.Message);
    }

    [Fact]
    public void Read_flash_past_the_end_is_refused_by_the_rom()
    {
        using var rig = new RomRig(new SimulatedRomOptions { FlashSize = 512 * 1024 }, DefaultBlocks).Ready();

        var e = Assert.Throws<RomCommandFailedException>(() => rig.Client.ReadFlash(512 * 1024 - 32, 64));

        Assert.Equal(RomCommand.READ_FLASH_SLOW, e.Command);
        Assert.Equal(RomErrorCode.FlashReadLengthError, e.Error);
    }
}
