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
