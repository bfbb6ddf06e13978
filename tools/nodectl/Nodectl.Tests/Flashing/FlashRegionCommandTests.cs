using NodeFirmware.Nodectl.Flashing;
using NodeSim.RomBootloader;

namespace NodeFirmware.Nodectl.Tests.Flashing;

/// <summary>read-flash, verify and erase-region as an operator types them, against the simulated board.</summary>
public sealed class FlashRegionCommandTests : IDisposable
{
    private const int Sector = RomProtocol.FLASH_SECTOR_SIZE;
    private readonly string _dir = Directory.CreateTempSubdirectory("nodectl-flash-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name, byte[] data)
    {
        string path = Path.Combine(_dir, name);
        System.IO.File.WriteAllBytes(path, data);
        return path;
    }

    [Fact]
    public void Read_flash_writes_the_bytes_to_the_output_file_64_at_a_time()
    {
        using var rig = new RomRig();
        var table = FirmwareLikeImage.Create(3, 0xC00);
        rig.Sim.Flash.Load(0x8000, table);
        string output = Path.Combine(_dir, "table.bin");

        var (exit, text, err) = new FlashCli(rig).Run("flash", "read-flash", "--port", "sim", "0x8000", "0xC00", "--output", output, "--baud", "115200");

        Assert.True(exit == 0, text + err);
        Assert.Equal(table, System.IO.File.ReadAllBytes(output));
        Assert.Equal(0xC00 / 64, rig.Sim.Traffic.RequestsFor(RomWire.READ_FLASH_SLOW));
        Assert.Contains("Read 3072 bytes from 0x8000 into", text);
    }

    [Fact]
    public void Read_flash_past_the_end_of_the_flash_is_refused_before_connecting()
    {
        var cli = new FlashCli();
        var (exit, _, err) = cli.Run("flash", "read-flash", "--port", "sim", "0x3FF000", "0x2000", "--output", Path.Combine(_dir, "x.bin"), "--flash-size", "4MB");
        Assert.Equal(FlashCommand.RefusedExitCode, exit);
        Assert.Contains("past the end of the 4096 KB flash", err);
        Assert.False(cli.PortOpened);
    }

    [Fact]
    public void Verify_prints_match_per_image_and_exits_0()
    {
        using var rig = new RomRig();
        var boot = FirmwareLikeImage.Create(1, 20_000);
        var app = FirmwareLikeImage.Create(2, 90_001);
        rig.Sim.Flash.Load(0x1000, boot);
        rig.Sim.Flash.Load(0x10000, app);

        var (exit, text, err) = new FlashCli(rig).Run(
            "flash", "verify", "--port", "sim", "--image", "0x1000:" + File("boot.bin", boot), "--image", "0x10000:" + File("app.bin", app));

        Assert.True(exit == 0, text + err);
        Assert.Contains("match    boot.bin at 0x1000", text);
        Assert.Contains("match    app.bin at 0x10000", text);
        Assert.Equal(0, rig.Sim.Traffic.RequestsFor(RomWire.FLASH_BEGIN) + rig.Sim.Traffic.RequestsFor(RomWire.FLASH_DEFL_BEGIN));
    }

    [Fact]
    public void Verify_of_a_board_whose_flash_differs_in_one_bit_says_mismatch_names_the_sector_and_exits_3()
    {
        using var rig = new RomRig();
        var app = FirmwareLikeImage.Create(2, 128 * 1024);
        var rotten = app.ToArray();
        rotten[(13 * Sector) + 77] ^= 0x02;
        rig.Sim.Flash.Load(0x10000, rotten);

        var (exit, text, _) = new FlashCli(rig).Run("flash", "verify", "--port", "sim", "--image", "0x10000:" + File("app.bin", app));

        Assert.Equal(FlashRegionRunner.MismatchExitCode, exit);
        Assert.Contains("MISMATCH app.bin at 0x10000", text);
        Assert.Contains("differing sectors: 0x1D000..0x1E000 (1 sector)", text);
        Assert.Contains("write them again with `nodectl flash`", text);
    }

    [Theory]
    [InlineData("0x9100", "0x1000")]
    [InlineData("0x9000", "0x1800")]
    public void Erase_region_not_on_whole_sectors_is_refused_before_connecting(string offset, string size)
    {
        var cli = new FlashCli();
        var (exit, _, err) = cli.Run("flash", "erase-region", "--port", "sim", offset, size);
        Assert.Equal(FlashCommand.RefusedExitCode, exit);
        Assert.Contains("must be multiples of 0x1000", err);
        Assert.False(cli.PortOpened);
    }

    [Fact]
    public void Erase_region_erases_exactly_its_sectors_with_flash_begin_and_no_data()
    {
        using var rig = new RomRig();
        var before = FirmwareLikeImage.Create(5, 0x10000);
        rig.Sim.Flash.Load(0x8000, before); // table, NVS and phy_init sectors all hold data

        var (exit, text, err) = new FlashCli(rig).Run("flash", "erase-region", "--port", "sim", "0x9000", "0x6000");

        Assert.True(exit == 0, text + err);
        Assert.Contains("Erased 0x9000..0xF000 (6 sectors), checked blank", text);
        Assert.Equal(1, rig.Sim.Traffic.RequestsFor(RomWire.FLASH_BEGIN));
        Assert.Equal(0, rig.Sim.Traffic.RequestsFor(RomWire.FLASH_DATA));
        Assert.True(rig.Sim.Flash.Read(0x9000, 0x6000).ToArray().All(b => b == 0xFF));
        Assert.True(rig.Sim.Flash.Read(0x8000, 0x1000).SequenceEqual(before.AsSpan(0, 0x1000)));
        Assert.True(rig.Sim.Flash.Read(0xF000, 0x1000).SequenceEqual(before.AsSpan(0x7000, 0x1000)));
    }

    [Fact]
    public void Erase_region_past_the_end_of_the_flash_is_refused_before_connecting()
    {
        var cli = new FlashCli();
        var (exit, _, err) = cli.Run("flash", "erase-region", "--port", "sim", "0x3FF000", "0x2000", "--flash-size", "4MB");
        Assert.Equal(FlashCommand.RefusedExitCode, exit);
        Assert.Contains("past the end", err);
        Assert.False(cli.PortOpened);
    }
}
