using System.Security.Cryptography;
using NodeSim.RomBootloader;

namespace NodeFirmware.Nodectl.Tests.Flashing.EsptoolJs;

/// <summary>
/// esptool's verify_flash, read_flash and erase_region against the ROM loader, done through esptool-js: its
/// flashMd5sum, READ_FLASH_SLOW (esptool-js has no ROM read) and flashBegin without data (the ROM has no
/// ERASE_REGION). Each answer is compared with the simulator's flash.
/// </summary>
public class EsptoolJsVerifyReadEraseTests
{
    [NodeFact]
    public void Esptool_js_verifies_regions_by_md5_and_finds_the_one_that_differs()
    {
        using var board = new SimulatedBoard();
        var bootloader = FirmwareLikeImage.Create(1, 21_001);
        var app = FirmwareLikeImage.Create(3, 90_003);
        board.Sim.Flash.Load(0x1000, bootloader);
        board.Sim.Flash.Load(0x10000, app);
        var changed = (byte[])app.Clone();
        changed[45_000] ^= 0x01;
        board.Sim.Flash.Load(0x200000, app);

        var report = board.Run(
            "verify",
            $"0x1000:{board.File("bootloader.bin", bootloader)}",
            $"0x10000:{board.File("app.bin", app)}",
            $"0x200000:{board.File("changed.bin", changed)}");

        var images = report.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(new[] { true, true, false }, images.Select(i => i.GetProperty("match").GetBoolean()));
        foreach (var (image, (offset, length)) in images.Zip(new[] { (0x1000, bootloader.Length), (0x10000, app.Length), (0x200000, app.Length) }))
        {
            string md5OfFlash = Convert.ToHexStringLower(MD5.HashData(board.Sim.Flash.Read(offset, length)));
            Assert.Equal(md5OfFlash, image.GetProperty("md5Rom").GetString());
        }
    }

    [NodeFact]
    public void Esptool_js_reads_flash_back_64_bytes_per_command_because_its_read_flash_is_stub_only()
    {
        using var board = new SimulatedBoard();
        board.FillFlash(seed: 12);
        var regions = new (int Offset, int Length)[] { (0x1000, 21_001), (0x8000, 64), (0x3FFF00, 0x100) };

        var report = board.Run("read", regions.Select((r, i) => $"0x{r.Offset:X}:{r.Length}:{board.PathOf($"read{i}.bin")}").ToArray());

        foreach (var (region, i) in regions.Select((r, i) => (r, i)))
        {
            Assert.True(board.Sim.Flash.Read(region.Offset, region.Length).SequenceEqual(File.ReadAllBytes(board.PathOf($"read{i}.bin"))), $"read at 0x{region.Offset:X}");
        }

        var stubRead = report.GetProperty("stubReadFlash");
        Assert.True(stubRead.GetProperty("refused").GetBoolean());
        Assert.Equal(RomWire.ERR_INVALID_MESSAGE, stubRead.GetProperty("rom").GetProperty("error").GetInt32());
        Assert.Equal(
            regions.Sum(r => (r.Length + RomWire.READ_FLASH_SLOW_BLOCK - 1) / RomWire.READ_FLASH_SLOW_BLOCK),
            board.Sim.Traffic.RequestsFor(RomWire.READ_FLASH_SLOW));
    }

    [NodeFact]
    public void Esptool_js_erases_regions_with_flash_begin_and_nothing_outside_their_sectors()
    {
        using var board = new SimulatedBoard();
        var expected = board.FillFlash(seed: 13);
        var regions = new (int Offset, int Length)[] { (0x9000, 0x6000), (0x20000, 0x1800), (0x3FF000, 0x1000) };

        var report = board.Run("erase", regions.Select(r => $"0x{r.Offset:X}:{r.Length}").Append("0x3FF000:0x2000").ToArray());

        var results = report.GetProperty("regions").EnumerateArray().ToList();
        Assert.All(results.Take(regions.Length), r => Assert.True(r.GetProperty("ok").GetBoolean(), r.ToString()));
        foreach (var (offset, length) in regions)
        {
            expected.EraseSectors(offset, length); // 0x1800 bytes erase two whole sectors
        }

        var pastTheEnd = results[^1];
        Assert.False(pastTheEnd.GetProperty("ok").GetBoolean(), pastTheEnd.ToString());
        Assert.Equal(RomWire.ERR_FAILED_TO_ACT, pastTheEnd.GetProperty("rom").GetProperty("error").GetInt32());
        expected.AssertMatches(board.Sim.Flash);

        var stubErase = report.GetProperty("stubEraseFlash");
        Assert.True(stubErase.GetProperty("refused").GetBoolean());
        Assert.Equal(RomWire.ERR_INVALID_MESSAGE, stubErase.GetProperty("rom").GetProperty("error").GetInt32());
    }
}
