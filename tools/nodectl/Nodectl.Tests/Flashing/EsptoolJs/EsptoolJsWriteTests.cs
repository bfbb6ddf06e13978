using System.Text.Json;
using NodeSim.RomBootloader;

namespace NodeFirmware.Nodectl.Tests.Flashing.EsptoolJs;

/// <summary>
/// esptool's write_flash done by esptool-js with the ROM's packet size (as esptool does): several regions, over
/// flash that holds old data everywhere, and at the end of the chip. The whole chip must then equal what the ROM's
/// erase and program rules give, so nothing outside the written sectors changed.
/// </summary>
public class EsptoolJsWriteTests
{
    private static readonly (uint Offset, byte[] Image)[] FactoryLayout =
    {
        (0x1000, FirmwareLikeImage.Create(1, 21_001)), // bootloader
        (0x8000, FirmwareLikeImage.Create(2, 3_072)), // partition table
        (0x10000, FirmwareLikeImage.Create(3, 90_003)), // application
    };

    [NodeFact]
    public void Esptool_js_writes_several_regions_compressed_over_old_flash_and_changes_nothing_else() =>
        WritesAndLeavesTheRest(FactoryLayout, compressed: true);

    [NodeFact]
    public void Esptool_js_writes_several_regions_plain_over_old_flash_and_changes_nothing_else() =>
        WritesAndLeavesTheRest(FactoryLayout, compressed: false);

    [NodeFact]
    public void Esptool_js_writes_a_compressed_image_that_ends_at_the_end_of_the_chip() =>
        WritesAndLeavesTheRest(new[] { (0x3FB000u, FirmwareLikeImage.Create(4, 0x5000 - 3)) }, compressed: true);

    [NodeFact]
    public void Esptool_js_writes_a_plain_image_that_ends_at_the_end_of_the_chip() =>
        WritesAndLeavesTheRest(new[] { (0x3FB000u, FirmwareLikeImage.Create(4, 0x5000 - 3)) }, compressed: false);

    private static void WritesAndLeavesTheRest((uint Offset, byte[] Image)[] layout, bool compressed)
    {
        using var board = new SimulatedBoard();
        var expected = board.FillFlash(seed: 7);
        var operands = layout.Select((part, i) => $"0x{part.Offset:X}:{board.File($"part{i}.bin", part.Image)}");
        var arguments = compressed ? operands : operands.Prepend("--plain");

        var report = board.Run("write", arguments.ToArray());

        Assert.Equal(RomFlashModel.ROM_FLASH_WRITE_SIZE, report.GetProperty("packetSize").GetInt32());
        var images = report.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(layout.Length, images.Count);
        foreach (var (image, (offset, data)) in images.Zip(layout))
        {
            Assert.True(image.GetProperty("ok").GetBoolean(), $"0x{offset:X}: {image}");
            Assert.Equal(image.GetProperty("md5Local").GetString(), image.GetProperty("md5Rom").GetString());
            expected.WriteLikeEsptool(offset, data, compressed);
        }

        expected.AssertMatches(board.Sim.Flash);
    }

    internal static JsonElement OnlyImage(JsonElement report) => Assert.Single(report.GetProperty("images").EnumerateArray().ToList());
}
