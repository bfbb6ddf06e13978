using System.CommandLine;
using NodeFirmware.Nodectl.Flashing;
using NodeFirmware.Nodectl.Tests.Partitions;
using NodeSim.RomBootloader;

namespace NodeFirmware.Nodectl.Tests.Flashing;

public class FlashCommandTests
{
    [Fact]
    public void Flash_workflow_writes_verifies_reports_and_resets()
    {
        using var rig = new RomRig();
        var (console, text) = TestConsole.Create();
        var app = new FlashImage(0x10000, Enumerable.Range(0, 70_000).Select(i => (byte)(i % 251)).ToArray(), "app.bin");

        int exit = FlashRunner.Flash(rig.Client, new FlashRequest(new[] { app }, 921600, Compress: true, Verify: true), console);

        Assert.Equal(0, exit);
        Assert.True(rig.Sim.Flash.Read(0x10000, app.Data.Length).SequenceEqual(app.Data));
        rig.LetEnRise();
        Assert.Equal(RomChipState.RunningApplication, rig.Sim.State);
        string output = text.ToString();
        Assert.Contains("Wrote app.bin: 70000 bytes at 0x10000", output);
        Assert.Contains("verified", output);
        Assert.Contains("device id esp32-240ac45e719b", output);
        Assert.Contains("4 MB", output);
    }

    [Fact]
    public void Flash_workflow_failure_is_printed_with_its_reason_and_a_nonzero_exit()
    {
        using var rig = new RomRig();
        rig.Sim.Fault = new RomFaultPlan(RomFault.Stall, RomWire.FLASH_DEFL_DATA, Skip: 1, Count: int.MaxValue);
        var (console, text) = TestConsole.Create();
        var random = new byte[50_000];
        new Random(7).NextBytes(random); // incompressible, so it takes many blocks
        var app = new FlashImage(0x10000, random, "app.bin");

        int exit = FlashRunner.Flash(rig.Client, new FlashRequest(new[] { app }, 115200, Compress: true, Verify: true), console);

        Assert.Equal(1, exit);
        Assert.Contains("Flashing failed", text.ToString());
        Assert.DoesNotContain("Wrote", text.ToString());
    }

    [Fact]
    public void Read_mac_prints_mac_and_device_id()
    {
        using var rig = new RomRig();
        var (console, text) = TestConsole.Create();
        Assert.Equal(0, FlashRunner.ReadMac(rig.Client, console));
        Assert.Contains("MAC 24:0a:c4:5e:71:9b, device id esp32-240ac45e719b", text.ToString());
    }

    [Fact]
    public void Jedec_capacity_byte_gives_the_flash_size()
    {
        Assert.Equal(4u * 1024 * 1024, FlashRunner.FlashSizeFromJedec(0x1640EF));
        Assert.Null(FlashRunner.FlashSizeFromJedec(0xFFFFFF));
    }

    [Fact]
    public void Command_line_rejects_missing_port_and_bad_image_specs()
    {
        var root = new RootCommand { FlashCommand.Create() };
        var errors = new StringWriter();
        var config = new InvocationConfiguration { Error = errors, Output = new StringWriter() };

        Assert.NotEqual(0, root.Parse(new[] { "flash", "--image", "0x1000:a.bin" }).Invoke(config));
        Assert.NotEmpty(root.Parse(new[] { "flash", "--image", "0x1000:a.bin" }).Errors);

        var parsed = root.Parse(new[] { "flash", "--port", "/dev/null", "--image", "0x1000:a.bin", "--image", "0x10000:b.bin", "--verify", "--baud", "921600" });
        Assert.Empty(parsed.Errors);
        Assert.Equal(new[] { "0x1000:a.bin", "0x10000:b.bin" }, parsed.GetValue<string[]>("--image"));
        Assert.True(parsed.GetValue<bool>("--verify"));
        Assert.Equal(921600, parsed.GetValue<int>("--baud"));

        Assert.Empty(root.Parse(new[] { "flash", "read-mac", "--port", "/dev/ttyUSB0" }).Errors);
    }

    [Fact]
    public void An_unaligned_offset_is_refused_before_the_port_is_opened()
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("nodectl-flash-").FullName, "app.bin");
        File.WriteAllBytes(file, new byte[100]);
        try
        {
            var (exit, _, err) = CommandRunner.Run(
                FlashCommand.Create(), "flash", "--port", "/dev/nodectl-test-no-such-port", "--image", $"0x1800:{file}");

            Assert.Equal(2, exit);
            Assert.Contains("offset 0x1800 is not aligned to a 4 KB flash sector", err);
            Assert.Contains("can only start a write on a sector boundary", err);
            Assert.Contains("0x1000 or 0x2000", err);
            Assert.DoesNotContain("no-such-port", err);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }

    [Theory]
    [InlineData(0x1800u, null, "not aligned")]
    [InlineData(0x3F0000u, 4u * 1024 * 1024, "past the end of the 4096 KB flash")]
    public void Flash_workflow_refuses_a_layout_the_rom_cannot_write_before_connecting(uint offset, uint? flashSize, string reason)
    {
        using var rig = new RomRig();
        var (console, text) = TestConsole.Create();
        var app = new FlashImage(offset, new byte[0x10001], "app.bin");

        int exit = FlashRunner.Flash(rig.Client, new FlashRequest(new[] { app }, 115200, Compress: true, Verify: true, FlashSize: flashSize), console);

        string output = string.Join(' ', text.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)); // unwrapped
        Assert.Equal(1, exit);
        Assert.Contains(reason, output);
        Assert.Contains("nothing was written", output);
        Assert.Equal(0, rig.Link.BytesToPeer);
        Assert.Equal(0, rig.Sim.Boots);
    }
}
