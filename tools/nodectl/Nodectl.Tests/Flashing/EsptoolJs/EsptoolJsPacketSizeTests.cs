using NodeSim.RomBootloader;

namespace NodeFirmware.Nodectl.Tests.Flashing.EsptoolJs;

/// <summary>
/// esptool-js 0.7.0 left at its own 0x4000-byte packets with the ROM loader (esptool uses the ROM's 0x400), and
/// what the ROM does with them: a compressed write announces its size rounded up to 16 KiB, so the ROM erases up
/// to 12 KiB past the image; a plain write's last packet, padded with 0xFF to 16 KiB, lands on sectors that were
/// not erased and fails the ROM's read-back (0x08); near the end of the chip both pass the chip size (0x06).
/// </summary>
public class EsptoolJsPacketSizeTests
{
    private const string EsptoolJsPacketSize = "0x4000";
    private const uint BootloaderOffset = 0x1000;
    private const uint PartitionTableOffset = 0x8000;
    private static readonly byte[] Bootloader = FirmwareLikeImage.Create(1, 21_001);
    private static readonly byte[] EndOfChipImage = FirmwareLikeImage.Create(4, 0x5000 - 3);

    [NodeFact]
    public void A_compressed_bootloader_in_16_KiB_packets_erases_the_partition_table_after_it()
    {
        using var board = new SimulatedBoard();
        var expected = board.FillFlash(seed: 8);

        var report = board.Run("write", "--packet-size", EsptoolJsPacketSize, $"0x{BootloaderOffset:X}:{board.File("bootloader.bin", Bootloader)}");

        var image = EsptoolJsWriteTests.OnlyImage(report);
        Assert.True(image.GetProperty("ok").GetBoolean(), image.ToString());
        Assert.True(board.Sim.Flash.Read(PartitionTableOffset, RomFlashModel.FLASH_SECTOR_SIZE).IndexOfAnyExcept((byte)0xFF) < 0, "the partition table sector should be erased");
        expected.EraseSectors(BootloaderOffset, 0x8000); // 21,004 bytes rounded up to two 16 KiB packets
        expected.Program(BootloaderOffset, Bootloader);
        expected.AssertMatches(board.Sim.Flash);
    }

    [NodeFact]
    public void A_plain_bootloader_in_16_KiB_packets_fails_its_last_packet_over_old_flash()
    {
        using var board = new SimulatedBoard();
        var expected = board.FillFlash(seed: 9);

        var report = board.Run("write", "--plain", "--packet-size", EsptoolJsPacketSize, $"0x{BootloaderOffset:X}:{board.File("bootloader.bin", Bootloader)}");

        var image = EsptoolJsWriteTests.OnlyImage(report);
        Assert.False(image.GetProperty("ok").GetBoolean(), image.ToString());
        Assert.Equal(RomWire.ERR_FLASH_WRITE, image.GetProperty("rom").GetProperty("error").GetInt32());
        Assert.Contains("seq 1", image.GetProperty("error").GetString());
        expected.EraseSectors(BootloaderOffset, 21_004); // the image size: 6 sectors, up to 0x7000
        expected.Program(BootloaderOffset, Bootloader); // the 0xFF padding up to 0x9000 leaves the old bytes
        expected.AssertMatches(board.Sim.Flash);
    }

    [NodeFact]
    public void A_compressed_image_in_16_KiB_packets_near_the_end_of_the_chip_is_refused_before_anything_is_erased()
    {
        using var board = new SimulatedBoard();
        var expected = board.FillFlash(seed: 10);

        var report = board.Run("write", "--packet-size", EsptoolJsPacketSize, $"0x3FB000:{board.File("end.bin", EndOfChipImage)}");

        var image = EsptoolJsWriteTests.OnlyImage(report);
        Assert.False(image.GetProperty("ok").GetBoolean(), image.ToString());
        Assert.Equal(RomWire.ERR_FAILED_TO_ACT, image.GetProperty("rom").GetProperty("error").GetInt32());
        Assert.Contains("enter compressed flash mode", image.GetProperty("error").GetString());
        expected.AssertMatches(board.Sim.Flash);
    }

    [NodeFact]
    public void A_plain_image_in_16_KiB_packets_near_the_end_of_the_chip_fails_on_the_packet_that_passes_it()
    {
        using var board = new SimulatedBoard();
        var expected = board.FillFlash(seed: 11);

        var report = board.Run("write", "--plain", "--packet-size", EsptoolJsPacketSize, $"0x3FB000:{board.File("end.bin", EndOfChipImage)}");

        var image = EsptoolJsWriteTests.OnlyImage(report);
        Assert.False(image.GetProperty("ok").GetBoolean(), image.ToString());
        Assert.Equal(RomWire.ERR_FAILED_TO_ACT, image.GetProperty("rom").GetProperty("error").GetInt32());
        Assert.Contains("seq 1", image.GetProperty("error").GetString());
        expected.EraseSectors(0x3FB000, 0x5000);
        expected.Program(0x3FB000, EndOfChipImage.AsSpan(0, 0x4000)); // packet 0 only; packet 1 would end at 0x403000
        expected.AssertMatches(board.Sim.Flash);
    }
}
