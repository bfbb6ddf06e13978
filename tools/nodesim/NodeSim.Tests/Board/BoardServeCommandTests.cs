using System.Text;
using NodeFirmware.Nodectl.Flashing;
using NodeSim.Cli;
using NodeSim.Tests.RomBootloader;
using NodeSim.Tests.Support;

namespace NodeSim.Tests.Board;

/// <summary>`nodesim images` and `nodesim board` of tools/nodesim/README.md, as separate processes.</summary>
public sealed class BoardServeCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Images_then_a_served_board_boots_them_resets_through_dtr_rts_and_dumps_its_flash()
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [ServedRomProcess.CliDll, "images", "--board", "esp32-devkitc-v4", "--out", _dir.Path])
        {
            RedirectStandardOutput = true,
        };
        using (var images = System.Diagnostics.Process.Start(start)!)
        {
            string listed = images.StandardOutput.ReadToEnd();
            Assert.True(images.WaitForExit(TimeSpan.FromSeconds(60)) && images.ExitCode == 0, listed);
            Assert.StartsWith("bootloader.bin: ", listed);
        }

        // One flash image with the layout in place, as nodectl flash --board leaves it.
        var flash = new byte[0x200000];
        Array.Fill(flash, (byte)0xFF);
        foreach (var (file, offset) in new[] { ("bootloader.bin", 0x1000), ("partitions-nodefirmware-4mb.bin", 0x8000), ("nanoCLR.bin", 0x10000) })
            File.ReadAllBytes(Path.Combine(_dir.Path, file)).CopyTo(flash, offset);
        File.WriteAllBytes(Path.Combine(_dir.Path, "flash.bin"), flash);
        string dump = Path.Combine(_dir.Path, "after.bin");
        using var board = new ServedRomProcess(["board", "--rfc2217", "127.0.0.1:0", "--mac", "24:0a:c4:12:34:56", "--image", Path.Combine(_dir.Path, "flash.bin"), "--dump", dump]);

        string text;
        using (var link = Rfc2217SerialLink.Open(board.Served))
        {
            BootloaderReset.HardReset(link, TimeSpan.FromMilliseconds(50), Thread.Sleep);
            text = ReadUntil(link, "provisioning mode");
        }

        var (exit, stderr) = board.Stop();
        Assert.True(exit == 0, stderr);
        Assert.Contains("rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)", text);
        Assert.Contains("Loaded app from partition at offset 0x10000", text);
        Assert.Contains("not provisioned: provisioning mode", text);
        Assert.Equal(flash, File.ReadAllBytes(dump)[..flash.Length]);
    }

    [Fact]
    public void Board_options_are_refused_with_the_reason_and_the_rom_takes_no_boot_option()
    {
        Assert.Contains("--boot sideways is unknown", Assert.Throws<ArgumentException>(() => RomServeOptions.Parse(["--rfc2217", "127.0.0.1:0", "--boot", "sideways"], board: true)).Message);
        Assert.Contains("--mac 24:0a is not a MAC address", Assert.Throws<ArgumentException>(() => RomServeOptions.Parse(["--pty", "--mac", "24:0a"], board: true)).Message);
        Assert.Contains("unknown option --boot", Assert.Throws<ArgumentException>(() => RomServeOptions.Parse(["--pty", "--boot", "flash"])).Message);
        Assert.True(RomServeOptions.Parse(["--pty"], board: true).PowerOnInDownloadMode);
        Assert.False(RomServeOptions.Parse(["--pty", "--boot", "flash"], board: true).PowerOnInDownloadMode);
        Assert.False(RomServeOptions.Parse(["--rfc2217", "127.0.0.1:0"], board: true).PowerOnInDownloadMode);
        Assert.Equal(new byte[] { 0x24, 0x0a, 0xc4, 0x12, 0x34, 0x56 }, RomServeOptions.Parse(["--rfc2217", "127.0.0.1:0", "--mac", "24:0a:c4:12:34:56"]).Mac);
    }

    [Fact]
    public async Task A_factory_image_that_is_missing_or_no_signed_package_is_refused_before_the_board_serves()
    {
        using var firmware = new TestFirmware();
        byte[] package = firmware.Package("1.0.0");
        var random = new byte[4096];
        new Random(7).NextBytes(random);
        var cases = new Dictionary<string, byte[]?>
        {
            ["missing.nfw"] = null,
            ["empty.nfw"] = [],
            ["random.nfw"] = random,
            ["truncated.nfw"] = package[..(package.Length / 2)],
            ["header-only.nfw"] = package[..8],
        };
        foreach (var (name, bytes) in cases)
        {
            string path = Path.Combine(_dir.Path, name);
            if (bytes is not null) File.WriteAllBytes(path, bytes);
            Assert.Equal(2, await RomServeCommand.RunAsync(["--rfc2217", "127.0.0.1:0", "--factory-image", path], board: true));
        }

        Assert.Contains("unknown option --factory-image", Assert.Throws<ArgumentException>(() => RomServeOptions.Parse(["--pty", "--factory-image", "x.nfw"])).Message);
        Assert.Equal("x.nfw", RomServeOptions.Parse(["--pty", "--factory-image", "x.nfw"], board: true).FactoryImagePath);
    }

    [Fact]
    public void The_running_nodes_cadence_options_are_board_only_and_bounded()
    {
        var o = RomServeOptions.Parse(["--rfc2217", "127.0.0.1:0", "--sample-s", "10", "--report-s", "30", "--time-scale", "60", "--node-board", "firebeetle-esp32"], board: true);
        Assert.Equal((10, 30, 60.0, "firebeetle-esp32"), (o.SampleSeconds, o.ReportSeconds, o.TimeScale, o.NodeBoard));
        var defaults = RomServeOptions.Parse(["--pty"], board: true);
        Assert.Equal((60, 300, 1.0), (defaults.SampleSeconds, defaults.ReportSeconds, defaults.TimeScale));
        Assert.Contains("--time-scale 0 must be", Assert.Throws<ArgumentException>(() => RomServeOptions.Parse(["--pty", "--time-scale", "0"], board: true)).Message);
        Assert.Contains("--sample-s -5 must be", Assert.Throws<ArgumentException>(() => RomServeOptions.Parse(["--pty", "--sample-s", "-5"], board: true)).Message);
        Assert.Contains("--report-s 90000 must be", Assert.Throws<ArgumentException>(() => RomServeOptions.Parse(["--pty", "--report-s", "90000"], board: true)).Message);
        Assert.Contains("unknown option --sample-s", Assert.Throws<ArgumentException>(() => RomServeOptions.Parse(["--pty", "--sample-s", "10"])).Message);
    }

    private static string ReadUntil(ISerialLink link, string marker)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!text.ToString().Contains(marker) && DateTime.UtcNow < deadline)
        {
            int n = link.Read(buffer, TimeSpan.FromMilliseconds(200));
            text.Append(Encoding.Latin1.GetString(buffer, 0, n));
        }

        return text.ToString();
    }
}
