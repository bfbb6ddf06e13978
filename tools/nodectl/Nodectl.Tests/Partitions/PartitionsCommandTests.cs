using System.Security.Cryptography;
using NodeFirmware.HostCommon.Partitions;
using NodeFirmware.Nodectl.Partitions;

namespace NodeFirmware.Nodectl.Tests.Partitions;

public sealed class PartitionsCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nodectl-partitions-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Stock => Path.Combine(CommandRunner.RepoRoot, "bootloader-config", "partitions-nanoclr-4mb.csv");

    [Fact]
    public void Build_writes_the_binary_the_library_reads_back()
    {
        string bin = Path.Combine(_dir, "pt.bin");
        var (exit, output, error) = CommandRunner.Run(PartitionsCommand.Create(CommandRunner.Catalog), "partitions", "build", Stock, "--out", bin, "--flash-size", "4MB");
        Assert.True(exit == 0, error);
        Assert.Contains("5 partitions, 3072 bytes, flash at 0x8000", output);
        byte[] data = File.ReadAllBytes(bin);
        Assert.Equal("6811fc10a26a4d52a63eb9b239559114052709ce1a3c4481cea7ed78c88f8728", Convert.ToHexStringLower(SHA256.HashData(data)));
        Assert.Equal(PartitionCsv.Parse(File.ReadAllText(Stock)).Entries, PartitionBinary.Read(data).Entries);
    }

    [Fact]
    public void Show_reads_csv_and_binary_alike()
    {
        string bin = Path.Combine(_dir, "pt.bin");
        Assert.Equal(0, CommandRunner.Run(PartitionsCommand.Create(CommandRunner.Catalog), "partitions", "build", Stock, "--out", bin).Exit);
        var fromCsv = CommandRunner.Run(PartitionsCommand.Create(CommandRunner.Catalog), "partitions", "show", Stock, "--flash-size", "4MB");
        var fromBin = CommandRunner.Run(PartitionsCommand.Create(CommandRunner.Catalog), "partitions", "show", bin, "--flash-size", "4MB");
        Assert.Equal(0, fromCsv.Exit);
        Assert.Equal(fromCsv.Out, fromBin.Out);
        Assert.Contains("deploy", fromCsv.Out);
        Assert.Contains("0x1e0000", fromCsv.Out);
        Assert.Contains("last ends at 0x400000 of 0x400000 flash (0 KB unused at the end)", fromCsv.Out);
    }

    [Fact]
    public void Show_with_a_board_uses_its_table_and_flash_size()
    {
        var (exit, output, error) = CommandRunner.Run(PartitionsCommand.Create(CommandRunner.Catalog), "partitions", "show", "--board", "firebeetle-esp32", "--csv");
        Assert.True(exit == 0, error);
        Assert.Equal(PartitionCsv.Parse(File.ReadAllText(Path.Combine(CommandRunner.RepoRoot, "bootloader-config", "partitions-nodefirmware-4mb.csv"))).Entries, PartitionCsv.Parse(output).Entries);
    }

    [Fact]
    public void Build_refuses_a_table_that_does_not_fit_and_writes_nothing()
    {
        string bin = Path.Combine(_dir, "pt.bin");
        var (exit, _, error) = CommandRunner.Run(PartitionsCommand.Create(CommandRunner.Catalog), "partitions", "build", Stock, "--out", bin, "--flash-size", "2MB");
        Assert.Equal(1, exit);
        Assert.Contains("error: ", error);
        Assert.Contains("beyond the 0x200000-byte", error);
        Assert.False(File.Exists(bin));
    }

    [Fact]
    public void Overlapping_csv_is_refused_with_the_line()
    {
        string csv = Path.Combine(_dir, "bad.csv");
        File.WriteAllText(csv, "nvs, data, nvs, 0x9000, 0x6000\nphy, data, phy, 0xe000, 0x1000\n");
        var (exit, _, error) = CommandRunner.Run(PartitionsCommand.Create(CommandRunner.Catalog), "partitions", "show", csv);
        Assert.Equal(1, exit);
        Assert.Contains("line 2", error);
        Assert.Contains("overlaps", error);
    }

    [Fact]
    public void Corrupted_binary_is_refused_with_the_md5_reason()
    {
        string bin = Path.Combine(_dir, "pt.bin");
        Assert.Equal(0, CommandRunner.Run(PartitionsCommand.Create(CommandRunner.Catalog), "partitions", "build", Stock, "--out", bin).Exit);
        byte[] data = File.ReadAllBytes(bin);
        data[40] ^= 0x10;
        File.WriteAllBytes(bin, data);
        var (exit, _, error) = CommandRunner.Run(PartitionsCommand.Create(CommandRunner.Catalog), "partitions", "show", bin);
        Assert.Equal(1, exit);
        Assert.Contains("MD5 mismatch", error);
    }

    private static string Reference(string name) =>
        Path.Combine(CommandRunner.RepoRoot, "tools", "common", "NodeFirmware.HostCommon.Tests", "Partitions", "Reference", "bootloader-config", name);

    [Theory]
    [InlineData(new string[0], "partitions-nanoclr-4mb.bin")]
    [InlineData(new[] { "--disable-md5sum" }, "partitions-nanoclr-4mb.no-md5.bin")]
    public void Build_writes_what_gen_esp32part_wrote(string[] extra, string reference)
    {
        string bin = Path.Combine(_dir, "pt.bin");
        var (exit, _, error) = CommandRunner.Run(PartitionsCommand.Create(CommandRunner.Catalog), new[] { "partitions", "build", Stock, "--out", bin, "--flash-size", "4MB" }.Concat(extra).ToArray());
        Assert.True(exit == 0, error);
        Assert.Equal(File.ReadAllBytes(Reference(reference)), File.ReadAllBytes(bin));
    }

    [Fact]
    public void Show_csv_of_a_binary_prints_what_gen_esp32part_prints()
    {
        var (exit, output, error) = CommandRunner.Run(PartitionsCommand.Create(CommandRunner.Catalog), "partitions", "show", Reference("partitions-nanoclr-4mb.bin"), "--csv");
        Assert.True(exit == 0, error);
        Assert.Equal("# ESP-IDF Partition Table\n# Name, Type, SubType, Offset, Size, Flags\n"
            + "nvs,data,nvs,0x9000,24K,\nphy_init,data,phy,0xf000,4K,\nfactory,app,factory,0x10000,1856K,\n"
            + "deploy,data,132,0x1e0000,1792K,\nconfig,data,littlefs,0x3c0000,256K,\n", output);
    }

    [Fact]
    public void Show_reads_a_table_without_md5_row_and_refuses_one_with_it_under_disable_md5sum()
    {
        var plain = CommandRunner.Run(PartitionsCommand.Create(CommandRunner.Catalog), "partitions", "show", Reference("partitions-nanoclr-4mb.no-md5.bin"), "--csv");
        Assert.True(plain.Exit == 0, plain.Err);
        var refused = CommandRunner.Run(PartitionsCommand.Create(CommandRunner.Catalog), "partitions", "show", Reference("partitions-nanoclr-4mb.bin"), "--disable-md5sum");
        Assert.Equal(1, refused.Exit);
        Assert.Contains("MD5 row", refused.Err);
    }

    [Theory]
    [InlineData("esp32-devkitc-v4", "bl,bootloader,primary,0x1000,28K,")]
    [InlineData("esp32-s3-devkitc-1", "bl,bootloader,primary,0x0,32K,")]
    public void A_board_gives_the_bootloader_offset_of_its_chip(string board, string expected)
    {
        string csv = Path.Combine(_dir, "boot.csv");
        File.WriteAllText(csv, "bl, bootloader, primary, N/A, N/A\nnvs, data, nvs, , 0x6000\n");
        var (exit, output, error) = CommandRunner.Run(PartitionsCommand.Create(CommandRunner.Catalog), "partitions", "show", csv, "--board", board, "--csv");
        Assert.True(exit == 0, error);
        Assert.Contains(expected, output);
    }

    [Fact]
    public void Build_of_a_binary_table_points_to_show_csv()
    {
        string bin = Path.Combine(_dir, "pt.bin");
        var (exit, _, error) = CommandRunner.Run(PartitionsCommand.Create(CommandRunner.Catalog), "partitions", "build", Reference("partitions-nanoclr-4mb.bin"), "--out", bin);
        Assert.Equal(1, exit);
        Assert.Contains("is already a binary partition table", error);
        Assert.Contains("--csv", error);
        Assert.False(File.Exists(bin));
    }

    [Fact]
    public void Build_warns_about_a_name_cut_to_16_bytes_and_writes_what_gen_esp32part_writes()
    {
        string csv = Path.Combine(_dir, "long.csv"), bin = Path.Combine(_dir, "long.bin");
        File.WriteAllText(csv, "configuration-store,data,littlefs,0x9000,64K\n");
        var (exit, _, error) = CommandRunner.Run(PartitionsCommand.Create(CommandRunner.Catalog), "partitions", "build", csv, "--out", bin);
        Assert.True(exit == 0, error);
        Assert.Contains("warning: partition name 'configuration-store' is 19 bytes; the 16-byte label keeps 'configuration-st'", error);
        Assert.Equal("configuration-st"u8.ToArray(), File.ReadAllBytes(bin).AsSpan(12, 16).ToArray());
    }

    [Theory]
    [InlineData("--flash-size", "3MB", "not a power of two")]
    [InlineData("--board", "no-such-board", "no board 'no-such-board'")]
    [InlineData("--table-offset", "0x8100", "not a 4 KB-aligned address")]
    public void Bad_options_are_named(string option, string value, string expected)
    {
        var (exit, _, error) = CommandRunner.Run(PartitionsCommand.Create(CommandRunner.Catalog), "partitions", "show", Stock, option, value);
        Assert.Equal(1, exit);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void Missing_file_is_an_error_not_a_crash()
    {
        var (exit, _, error) = CommandRunner.Run(PartitionsCommand.Create(CommandRunner.Catalog), "partitions", "show", Path.Combine(_dir, "none.csv"));
        Assert.Equal(1, exit);
        Assert.Contains("no such file", error);
    }
}
