using System.Text.Json.Nodes;
using NodeFirmware.HostCommon.Boards;
using NodeFirmware.HostCommon.Partitions;
using NodeFirmware.HostCommon.Tests.Partitions;

namespace NodeFirmware.HostCommon.Tests.Boards;

public class FlashLayoutTests
{
    private const string LayoutFile = "flash-layout-esp32-4mb.json";
    private static readonly PartitionTable Table = PartitionCsv.Parse(RepoFiles.Read("bootloader-config", "partitions-nodefirmware-4mb.csv"));

    private static FlashLayout Parse(Action<JsonObject>? change = null)
    {
        var json = JsonNode.Parse(RepoFiles.Read("bootloader-config", LayoutFile))!.AsObject();
        change?.Invoke(json);
        return FlashLayout.Parse(json.ToJsonString(), LayoutFile, Table, 4 * 1024 * 1024);
    }

    private static string Refusal(Action<JsonObject> change) => Assert.Throws<BoardFileException>(() => Parse(change)).Message;

    [Fact]
    public void Shipped_layout_puts_the_boot_chain_and_images_where_the_esp32_expects_them()
    {
        var layout = Parse();
        Assert.Equal(0x1000u, layout.Image("bootloader").Offset);
        Assert.Equal(0x8000u, layout.Image("partition-table").Offset);
        Assert.Equal(0x10000u, layout.Image("nanoclr").Offset);
        Assert.Equal(Table.Get("deploy").Offset, layout.Image("deployment").Offset);
        Assert.Equal(Table.Get("factory").Size, layout.Image("nanoclr").MaxBytes);
        Assert.Equal(new[] { "bootloader", "partition-table", "nanoclr", "deployment" }, layout.Images.Select(i => i.Name));
    }

    [Fact]
    public void Every_board_resolves_its_layout()
    {
        foreach (var board in new BoardCatalog(RepoFiles.Root).LoadAll())
        {
            Assert.Equal(board.Partitions.Get("factory").Offset, board.FlashLayout.Image("nanoclr").Offset);
        }
    }

    [Fact]
    public void Image_not_at_its_partition_is_refused()
    {
        Assert.Contains("partition 'deploy' starts at 0x1e0000", Refusal(j => j["images"]![3]!["offset"] = "0x1F0000"));
    }

    [Fact]
    public void Bootloader_growing_into_the_table_is_refused()
    {
        Assert.Contains("overlaps image 'bootloader'", Refusal(j => j["images"]![0]!["maxBytes"] = "0x8000"));
    }

    [Fact]
    public void Unknown_partition_and_misaligned_offsets_are_refused()
    {
        Assert.Contains("names partition 'ota_0'", Refusal(j => j["images"]![2]!["partition"] = "ota_0"));
        Assert.Contains("4 KB sector", Refusal(j => j["images"]![0]!["offset"] = "0x1100"));
        Assert.Contains("partition 'spiffs'", Refusal(j => j["notWritten"]![0]!["partition"] = "spiffs"));
    }

    [Fact]
    public void Boot_chain_image_inside_a_partition_is_refused()
    {
        Assert.Contains("overlaps partition 'nvs'", Refusal(j => j["images"]![1]!["maxBytes"] = "0x2000"));
    }

    [Fact]
    public void Flash_size_must_match_the_board()
    {
        var json = RepoFiles.Read("bootloader-config", LayoutFile);
        Assert.Throws<BoardFileException>(() => FlashLayout.Parse(json, LayoutFile, Table, 8 * 1024 * 1024));
    }
}
