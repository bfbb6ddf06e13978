using System.Text.RegularExpressions;
using NodeFirmware.HostCommon.Boards;
using NodeFirmware.HostCommon.Partitions;
using NodeFirmware.HostCommon.Tests.Partitions;

namespace NodeFirmware.HostCommon.Tests.Boards;

public class StorageBudgetTests
{
    private static int DevicePathsConstant(string name)
    {
        string code = RepoFiles.Read("firmware", "NodeFirmware.Device", "DevicePaths.cs");
        var m = Regex.Match(code, @"public const int " + name + @" = (\d+);");
        Assert.True(m.Success, $"DevicePaths.{name} not found");
        return int.Parse(m.Groups[1].Value);
    }

    [Fact]
    public void Budget_uses_the_sizes_the_device_allocates()
    {
        Assert.Equal(StorageBudget.SectorSize, DevicePathsConstant("SectorSize"));
        Assert.Equal(StorageBudget.DataSectors, DevicePathsConstant("DataSectors"));
        Assert.Equal(StorageBudget.StoreSectors, DevicePathsConstant("StoreSectors"));
    }

    [Fact]
    public void Required_size_is_two_slots_plus_journal_and_state_with_half_free()
    {
        long app = 160 * 1024;
        long content = 2 * (app + 4096) + 64 * 4096 + 2 * 2 * 4096 + 16 * 1024;
        Assert.Equal(content, StorageBudget.ContentBytes(app));
        Assert.Equal(2 * content, StorageBudget.RequiredPartitionBytes(app));
        Assert.Null(StorageBudget.Check(app, 2 * content));
        Assert.Contains("needs 0x", StorageBudget.Check(app, 2 * content - 1));
    }

    [Theory]
    [InlineData("partitions-nodefirmware-4mb.csv", "esp32", 4)]
    [InlineData("partitions-nodefirmware-esp32s3-8mb.csv", "esp32s3", 8)]
    [InlineData("partitions-nodefirmware-esp32s3-16mb.csv", "esp32s3", 16)]
    public void NodeFirmware_tables_fit_their_flash_and_keep_nanoclrs_names(string file, string chip, int megabytes)
    {
        long flash = megabytes * 1024L * 1024;
        var table = PartitionCsv.Parse(RepoFiles.Read("bootloader-config", file));
        table.Validate(PartitionLayout.ForChip(chip, flash));
        Assert.True(table.EndOfLastPartition <= flash);
        Assert.Equal(0x10000u, table.Get("factory").Offset);
        Assert.Equal(0x84, table.Get("deploy").Subtype);
        Assert.Equal(PartitionTypes.Data, table.Get("config").Type);
        // The deployment area holds the Loader and the libraries (200-300 KB estimated): keep a 512 KB floor.
        Assert.True(table.Get("deploy").Size >= 0x80000, $"{file}: deploy is smaller than 512 KB");
        // 160 KB is the smallest slot budget any board uses; every table must hold it.
        Assert.Null(StorageBudget.Check(160 * 1024, table.Get("config").Size));
    }

    [Theory]
    [InlineData("flash-layout-esp32-4mb.json", "partitions-nodefirmware-4mb.csv", 4)]
    [InlineData("flash-layout-esp32s3-8mb.json", "partitions-nodefirmware-esp32s3-8mb.csv", 8)]
    [InlineData("flash-layout-esp32s3-16mb.json", "partitions-nodefirmware-esp32s3-16mb.csv", 16)]
    public void Every_flash_layout_resolves_against_its_table(string layoutFile, string tableFile, int megabytes)
    {
        var table = PartitionCsv.Parse(RepoFiles.Read("bootloader-config", tableFile));
        var layout = FlashLayout.Parse(RepoFiles.Read("bootloader-config", layoutFile), layoutFile, table, megabytes * 1024L * 1024);
        Assert.Equal(tableFile, layout.File.PartitionTable);
        Assert.Equal(table.Get("deploy").Offset, layout.Image("deployment").Offset);
        Assert.Equal(table.Get("factory").Offset, layout.Image("nanoclr").Offset);
        uint bootloader = layout.File.Chip == "esp32s3" ? PartitionLayout.Esp32S3BootloaderOffset : PartitionLayout.Esp32BootloaderOffset;
        Assert.Equal(bootloader, layout.Image("bootloader").Offset);
    }

    [Fact]
    public void Every_partition_table_in_bootloader_config_is_valid_for_its_size()
    {
        var files = Directory.GetFiles(RepoFiles.PathOf("bootloader-config"), "partitions-*.csv");
        Assert.True(files.Length >= 5);
        foreach (var path in files)
        {
            var m = Regex.Match(Path.GetFileName(path), @"^partitions-[a-z]+-(?:(?<chip>esp32s3)-)?(?<mb>\d+)mb\.csv$");
            Assert.True(m.Success, $"{path}: name must be partitions-<kind>[-esp32s3]-<N>mb.csv");
            string chip = m.Groups["chip"].Success ? "esp32s3" : "esp32";
            long flash = long.Parse(m.Groups["mb"].Value) * 1024 * 1024;
            PartitionCsv.Parse(File.ReadAllText(path)).Validate(PartitionLayout.ForChip(chip, flash));
        }
    }

    [Fact]
    public void A_board_whose_slots_do_not_fit_the_config_partition_is_refused()
    {
        var catalog = new BoardCatalog(RepoFiles.Root);
        string json = RepoFiles.Read("boards", "esp32-s3-devkitc-1.json").Replace("\"appSizeBytes\": 524288", "\"appSizeBytes\": 4194304");
        var e = Assert.Throws<BoardFileException>(() => catalog.Parse(json, "test.json", "esp32-s3-devkitc-1"));
        Assert.Contains("cannot hold 2 x 4194304-byte app slots", e.Message);
    }
}
