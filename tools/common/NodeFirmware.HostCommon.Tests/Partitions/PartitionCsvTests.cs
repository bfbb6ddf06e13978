using NodeFirmware.HostCommon.Partitions;

namespace NodeFirmware.HostCommon.Tests.Partitions;

public class PartitionCsvTests
{
    private static readonly PartitionLayout FourMb = PartitionLayout.Esp32(4 * 1024 * 1024);

    [Fact]
    public void Stock_nanoclr_table_has_the_documented_layout()
    {
        var table = PartitionCsv.Parse(RepoFiles.Read("bootloader-config", "partitions-nanoclr-4mb.csv"));
        table.Validate(FourMb);

        Assert.Equal(new[] { "nvs", "phy_init", "factory", "deploy", "config" }, table.Entries.Select(e => e.Name));
        Assert.Equal(new PartitionEntry("nvs", PartitionTypes.Data, PartitionTypes.DataNvs, 0x9000, 0x6000), table.Get("nvs"));
        Assert.Equal(new PartitionEntry("phy_init", PartitionTypes.Data, PartitionTypes.DataPhy, 0xF000, 0x1000), table.Get("phy_init"));
        Assert.Equal(new PartitionEntry("factory", PartitionTypes.App, PartitionTypes.AppFactory, 0x10000, 0x1D0000), table.Get("factory"));
        Assert.Equal(new PartitionEntry("deploy", PartitionTypes.Data, PartitionTypes.DataNanoDeploy, 0x1E0000, 0x1C0000), table.Get("deploy"));
        Assert.Equal(new PartitionEntry("config", PartitionTypes.Data, PartitionTypes.DataLittleFs, 0x3C0000, 0x40000), table.Get("config"));
        Assert.Equal(0x400000, table.EndOfLastPartition);
    }

    [Fact]
    public void NodeFirmware_table_keeps_nanoclr_and_grows_littlefs()
    {
        var stock = PartitionCsv.Parse(RepoFiles.Read("bootloader-config", "partitions-nanoclr-4mb.csv"));
        var ours = PartitionCsv.Parse(RepoFiles.Read("bootloader-config", "partitions-nodefirmware-4mb.csv"));
        ours.Validate(FourMb);

        Assert.Equal(stock.Get("factory"), ours.Get("factory"));
        Assert.Equal(stock.Get("nvs"), ours.Get("nvs"));
        Assert.Equal(stock.Get("deploy").Offset, ours.Get("deploy").Offset);
        Assert.Equal(PartitionTypes.DataLittleFs, ours.Get("config").Subtype);
        Assert.True(ours.Get("config").Size >= 4 * stock.Get("config").Size);
        Assert.Equal(0x400000, ours.EndOfLastPartition);
    }

    [Fact]
    public void Csv_round_trips_through_write_and_parse()
    {
        var table = new PartitionTable(new[]
        {
            new PartitionEntry("nvs", PartitionTypes.Data, PartitionTypes.DataNvs, 0x9000, 0x5000),
            new PartitionEntry("otadata", PartitionTypes.Data, PartitionTypes.DataOta, 0xE000, 0x2000),
            new PartitionEntry("ota_0", PartitionTypes.App, 0x10, 0x10000, 0x140000, Encrypted: true),
            new PartitionEntry("ota_1", PartitionTypes.App, 0x11, 0x150000, 0x140000, Encrypted: true),
            new PartitionEntry("keys", PartitionTypes.Data, PartitionTypes.DataNvsKeys, 0x290000, 0x1000, Encrypted: true),
            new PartitionEntry("factory_nvs", PartitionTypes.Data, PartitionTypes.DataNvs, 0x291000, 0x2000, ReadOnly: true),
            new PartitionEntry("custom", 0x40, 0x07, 0x293000, 0x1234),
        });
        table.Validate(FourMb);
        string csv = PartitionCsv.Write(table);
        var back = PartitionCsv.Parse(csv);
        Assert.Equal(table.Entries, back.Entries);
        Assert.Contains("ota_0,app,ota_0,0x10000,1280K,encrypted", csv);
        Assert.Contains("custom,64,7,0x293000,0x1234,", csv); // gen_esp32part writes unnamed types and subtypes in decimal
    }

    [Fact]
    public void Empty_offsets_follow_the_previous_partition_aligned_by_type()
    {
        var table = PartitionCsv.Parse("""
            # Name, Type, SubType, Offset, Size, Flags
            nvs,      data, nvs,     ,        0x5000,
            otadata,  data, ota,     ,        8K,
            phy_init, data, phy,     ,        4K,
            app0,     app,  ota_0,   ,        1M,
            spare,    data, ,        ,        0x3000,
            tail,     data, spiffs,  ,        -0x400000,
            """);
        table.Validate(FourMb);
        Assert.Equal(0x9000u, table.Get("nvs").Offset);
        Assert.Equal(0xE000u, table.Get("otadata").Offset);
        Assert.Equal(0x10000u, table.Get("phy_init").Offset);
        Assert.Equal(0x20000u, table.Get("app0").Offset); // 0x11000 rounded up to the 64 KB app alignment
        Assert.Equal(0x120000u, table.Get("spare").Offset);
        Assert.Equal(PartitionTypes.DataUndefined, table.Get("spare").Subtype);
        Assert.Equal(0x123000u, table.Get("tail").Offset);
        Assert.Equal(0x400000u - 0x123000u, table.Get("tail").Size); // negative size = "up to this address"
    }

    [Fact]
    public void Numbers_accept_hex_decimal_and_k_m_suffixes()
    {
        var table = PartitionCsv.Parse("a, data, nvs, 36864, 24K\nb, data, 0x81, 0x10000, 1m\nc, 1, 0x82, 0x110000, 4096");
        Assert.Equal(0x9000u, table.Get("a").Offset);
        Assert.Equal(0x6000u, table.Get("a").Size);
        Assert.Equal(0x100000u, table.Get("b").Size);
        Assert.Equal(PartitionTypes.DataFat, table.Get("b").Subtype);
        Assert.Equal(PartitionTypes.Data, table.Get("c").Type);
        Assert.Equal(4096u, table.Get("c").Size);
    }

    [Theory]
    [InlineData("nvs, data, nvs, 0x9000, 0x6000\nbad, data, phy, 0xE000, 0x1000", "overlaps the previous partition")]
    [InlineData("nvs, data, nvs, 0x8000, 0x6000", "partition table sector")]
    [InlineData("nvs, data, nvs, 0x9000,", "size is empty")]
    [InlineData("nvs, data, nvs, 0x9000, 0x6000, secret", "unknown flag 'secret'")]
    [InlineData("nvs, blob, nvs, 0x9000, 0x6000", "type 'blob'")]
    [InlineData("nvs, data, wat, 0x9000, 0x6000", "subtype 'wat'")]
    [InlineData("app0, app, , 0x10000, 0x10000", "needs a subtype")]
    [InlineData("nvs, data, nvs, 0x9000, 24Q", "size '24Q' is not a number")]
    [InlineData("nvs, data, nvs, $OFFSET, 0x6000", "environment variable reference")]
    [InlineData("nvs, data, nvs, 0x9000, 0x6000, encrypted : readonly", "unknown flag 'encrypted '")]
    public void Malformed_csv_is_refused_with_the_line_and_reason(string csv, string expected)
    {
        var e = Assert.Throws<PartitionTableException>(() => PartitionCsv.Parse(csv));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Error_names_the_line_number()
    {
        var e = Assert.Throws<PartitionTableException>(() => PartitionCsv.Parse("# header\n\nnvs, data, nvs, 0x9000, 0x6000\nx, data, nope, , 4K"));
        Assert.StartsWith("line 4:", e.Message);
    }

    [Fact]
    public void Primary_bootloader_and_table_entries_take_their_offsets_from_the_layout()
    {
        var table = PartitionCsv.Parse("bootloader, bootloader, primary, N/A, N/A\npartition_table, partition_table, primary, N/A, N/A\nnvs, data, nvs, , 0x6000");
        table.Validate(FourMb);
        Assert.Equal(new PartitionEntry("bootloader", PartitionTypes.Bootloader, 0, 0x1000, 0x7000), table.Get("bootloader"));
        Assert.Equal(new PartitionEntry("partition_table", PartitionTypes.PartitionTable, 0, 0x8000, 0x1000), table.Get("partition_table"));
        Assert.Equal(0x9000u, table.Get("nvs").Offset);
    }
}
