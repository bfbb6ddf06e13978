using NodeFirmware.HostCommon.Partitions;
using NodeFirmware.Nodectl.Flashing;
using NodeFirmware.Nodectl.Tests.Partitions;
using NodeSim.RomBootloader;

namespace NodeFirmware.Nodectl.Tests.Flashing;

/// <summary>
/// "nodectl flash --board B": images placed by the board's flash layout and partition table, and every way of
/// getting it wrong refused before the port is opened.
/// </summary>
public sealed class BoardLayoutFlashTests : IDisposable
{
    private const string Board = "esp32-devkitc-v4";
    private readonly string _dir = Directory.CreateTempSubdirectory("nodectl-board-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name, byte[] data)
    {
        string path = Path.Combine(_dir, name);
        System.IO.File.WriteAllBytes(path, data);
        return path;
    }

    /// <summary>An ESP image starts with 0xE9; the rest is firmware-like bytes.</summary>
    private static byte[] EspImage(int seed, int length)
    {
        var data = FirmwareLikeImage.Create(seed, length);
        data[0] = 0xE9;
        return data;
    }

    private static long SectorEnd(int length) => (length + 0xFFFL) / 0x1000 * 0x1000;

    private static PartitionTable BoardTable() => CommandRunner.Catalog().Load(Board).Partitions;

    private static void AssertRefused(FlashCli cli, (int Exit, string Out, string Err) result, params string[] says)
    {
        Assert.Equal(FlashCommand.RefusedExitCode, result.Exit);
        foreach (string s in says)
        {
            Assert.Contains(s, result.Err);
        }

        Assert.False(cli.PortOpened, "a refusal must come before the port is opened");
    }

    [Fact]
    public void An_unknown_board_is_refused_with_the_closest_name()
    {
        var cli = new FlashCli();
        var result = cli.Run("flash", "--port", "sim", "--board", "esp32-devkitc", "--image", "nanoclr=" + File("nanoCLR.bin", EspImage(1, 4096)));
        AssertRefused(cli, result, "unknown board 'esp32-devkitc'", "did you mean 'esp32-devkitc-v4'?");
    }

    [Fact]
    public void An_image_larger_than_its_partition_is_refused()
    {
        var cli = new FlashCli();
        var result = cli.Run("flash", "--port", "sim", "--board", Board, "--image", "bootloader=" + File("bootloader.bin", EspImage(1, 0x7001)));
        AssertRefused(cli, result, "bootloader.bin is 28673 bytes", "larger than the bootloader area at 0x1000 (0x7000 bytes)");
    }

    [Fact]
    public void An_image_larger_than_its_partition_given_by_offset_is_refused()
    {
        var cli = new FlashCli();
        var result = cli.Run("flash", "--port", "sim", "--board", Board, "--image", "0xF000:" + File("phy.bin", new byte[0x1001]));
        AssertRefused(cli, result, "larger than partition 'phy_init' at 0xF000 (0x1000 bytes)");
    }

    [Fact]
    public void An_image_running_past_the_flash_is_refused_before_connecting()
    {
        var cli = new FlashCli();
        var result = cli.Run("flash", "--port", "sim", "--flash-size", "4MB", "--image", "0x3F0000:" + File("app.bin", EspImage(1, 128 * 1024)));
        AssertRefused(cli, result, "past the end of the 4096 KB flash");
    }

    [Fact]
    public void An_offset_that_is_not_where_a_partition_starts_is_refused()
    {
        var cli = new FlashCli();
        var result = cli.Run("flash", "--port", "sim", "--board", Board, "--image", "0x20000:" + File("app.bin", EspImage(1, 4096)));
        AssertRefused(cli, result, "0x20000 is not where an image or partition starts on board esp32-devkitc-v4", "0x10000 (nanoclr)", "0x260000 (config)");
    }

    [Fact]
    public void A_name_the_board_does_not_have_is_refused_with_the_names_it_has()
    {
        var cli = new FlashCli();
        var result = cli.Run("flash", "--port", "sim", "--board", Board, "--image", "app=" + File("app.bin", EspImage(1, 4096)));
        AssertRefused(cli, result, "no image or partition named 'app'", "nanoclr", "deployment");
    }

    [Fact]
    public void A_partition_table_written_at_0x10000_is_refused_without_a_board()
    {
        var cli = new FlashCli();
        var table = File("partitions.bin", PartitionBinary.Write(BoardTable()));
        var result = cli.Run("flash", "--port", "sim", "--image", "0x10000:" + table);
        AssertRefused(cli, result, "partitions.bin is a partition table", "would be written at 0x10000", "--image 0x8000:partitions.bin");
    }

    [Fact]
    public void A_partition_table_written_at_a_partition_of_the_board_is_refused()
    {
        var cli = new FlashCli();
        var table = File("partitions.bin", PartitionBinary.Write(BoardTable()));
        var result = cli.Run("flash", "--port", "sim", "--board", Board, "--image", "0x10000:" + table);
        AssertRefused(cli, result, "is a partition table", "the partition table belongs at 0x8000 (board esp32-devkitc-v4's layout)");
    }

    [Fact]
    public void Something_else_at_the_partition_table_offset_is_refused()
    {
        var cli = new FlashCli();
        var result = cli.Run("flash", "--port", "sim", "--image", "0x8000:" + File("nanoCLR.bin", EspImage(1, 4096)));
        AssertRefused(cli, result, "not a partition table");
    }

    [Fact]
    public void Another_boards_partition_table_is_refused_at_the_table_offset()
    {
        var cli = new FlashCli();
        string stockCsv = Path.Combine(CommandRunner.RepoRoot, "bootloader-config", "partitions-nanoclr-4mb.csv");
        var stock = File("stock.bin", PartitionBinary.Write(PartitionCsv.Parse(System.IO.File.ReadAllText(stockCsv))));
        var result = cli.Run("flash", "--port", "sim", "--board", Board, "--image", "partition-table=" + stock);
        AssertRefused(cli, result, "stock.bin is not board esp32-devkitc-v4's partition table", "nodectl partitions build");
    }

    [Fact]
    public void Missing_layout_files_are_named_with_where_they_were_looked_for()
    {
        var cli = new FlashCli();
        File("nanoCLR.bin", EspImage(1, 4096));
        var result = cli.Run("flash", "--port", "sim", "--board", Board, "--images-dir", _dir);
        AssertRefused(cli, result, "bootloader (bootloader.bin)", "deployment (NodeFirmware.Loader.bin)", "--image NAME=FILE");
    }

    [Fact]
    public void A_contradicting_flash_size_is_refused()
    {
        var cli = new FlashCli();
        var result = cli.Run("flash", "--port", "sim", "--board", Board, "--flash-size", "8MB", "--image", "nanoclr=" + File("nanoCLR.bin", EspImage(1, 4096)));
        AssertRefused(cli, result, "--flash-size 8MB contradicts board esp32-devkitc-v4 (4MB)");
    }

    [Fact]
    public void The_board_layout_is_written_at_its_offsets_with_the_table_built_from_the_boards_csv_and_nvs_untouched()
    {
        using var rig = new RomRig();
        var nvs = FirmwareLikeImage.Create(42, 0x6000);
        rig.Sim.Flash.Load(0x9000, nvs); // the device's identity lives here: a layout flash must not touch it
        var bootloader = EspImage(1, 24_000);
        var nanoclr = EspImage(2, 300_000);
        var deployment = FirmwareLikeImage.Create(3, 150_000);
        File("bootloader.bin", bootloader);
        File("nanoCLR.bin", nanoclr);
        File("NodeFirmware.Loader.bin", deployment);

        var (exit, text, err) = new FlashCli(rig).Run("flash", "--port", "sim", "--board", Board, "--images-dir", _dir, "--verify", "--baud", "115200");

        Assert.True(exit == 0, text + err);
        Assert.Contains("partitions-nodefirmware-4mb.bin: built from partitions-nodefirmware-4mb.csv", text);
        Assert.Contains("Flash: 4 MB (given)", text);
        Assert.True(rig.Sim.Flash.Read(0x1000, bootloader.Length).SequenceEqual(bootloader));
        Assert.True(rig.Sim.Flash.Read(0x8000, PartitionBinary.TableLength).SequenceEqual(PartitionBinary.Write(BoardTable())));
        Assert.True(rig.Sim.Flash.Read(0x10000, nanoclr.Length).SequenceEqual(nanoclr));
        Assert.True(rig.Sim.Flash.Read(0x1E0000, deployment.Length).SequenceEqual(deployment));
        Assert.True(rig.Sim.Flash.Read(0x9000, 0x6000).SequenceEqual(nvs));
        Assert.Equal(4, rig.Sim.Traffic.RequestsFor(RomWire.FLASH_DEFL_BEGIN));
        var written = new (long From, long To)[]
        {
            (0x1000, 0x1000 + SectorEnd(bootloader.Length)), (0x8000, 0x9000), (0x10000, 0x10000 + SectorEnd(nanoclr.Length)), (0x1E0000, 0x1E0000 + SectorEnd(deployment.Length)),
        };
        Assert.All(rig.Sim.Flash.ErasedSectors, e => Assert.Contains(written, w => e.Address >= w.From && e.End <= w.To));

        var verify = new FlashCli(rig).Run("flash", "verify", "--port", "sim", "--board", Board, "--images-dir", _dir);
        Assert.True(verify.Exit == 0, verify.Out + verify.Err);
        Assert.Equal(4, verify.Out.Split('\n').Count(l => l.StartsWith("match ", StringComparison.Ordinal)));

        rig.Sim.Traffic.Reset();
        var again = new FlashCli(rig).Run("flash", "--port", "sim", "--board", Board, "--images-dir", _dir, "--baud", "115200");
        Assert.True(again.Exit == 0, again.Out + again.Err);
        Assert.Equal(0, rig.Sim.Traffic.RequestsFor(RomWire.FLASH_DEFL_BEGIN)); // nothing changed, nothing written
    }

    [Fact]
    public void A_named_image_goes_to_its_partition_alone_and_verify_by_board_checks_it()
    {
        using var rig = new RomRig();
        var deployment = FirmwareLikeImage.Create(3, 50_000);
        string path = File("deploy.bin", deployment);

        var (exit, text, err) = new FlashCli(rig).Run("flash", "--port", "sim", "--board", Board, "--image", "deployment=" + path, "--baud", "115200");
        Assert.True(exit == 0, text + err);
        Assert.True(rig.Sim.Flash.Read(0x1E0000, deployment.Length).SequenceEqual(deployment));
        Assert.Equal(1, rig.Sim.Traffic.RequestsFor(RomWire.FLASH_DEFL_BEGIN));

        var verify = new FlashCli(rig).Run("flash", "verify", "--port", "sim", "--board", Board, "--image", "deploy=" + path);
        Assert.True(verify.Exit == 0, verify.Out + verify.Err);
        Assert.Contains("match    deploy.bin at 0x1E0000", verify.Out);
    }
}
