using System.CommandLine;
using System.Text.Json;
using NodeFirmware.Nodectl.Flashing;
using NodeFirmware.Nodectl.Tests.Partitions;

namespace NodeFirmware.Nodectl.Tests.Flashing;

/// <summary>`flash --json` and `flash read-mac --json`: stdout is exactly one JSON object, the human text is elsewhere.</summary>
public sealed class FlashJsonTests
{
    /// <summary>Runs the command with stdout, the human console and stderr captured apart; the simulator (or nothing) behind --port.</summary>
    private static (int Exit, JsonElement Json, string Human) Run(RomRig? rig, params string[] args)
    {
        var (console, human) = TestConsole.Create();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var env = new FlashCommandEnvironment(
            CommandRunner.Catalog,
            port => rig is null ? throw new FlashingException($"no such port {port}") : (rig.Client, new MemoryStream()),
            console,
            stderr);
        int exit = new RootCommand("test") { FlashCommand.Create(env) }.Parse(args)
            .Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        string text = stdout.ToString();
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries)); // one object, one line, nothing else
        return (exit, JsonDocument.Parse(text).RootElement.Clone(), human + stderr.ToString());
    }

    [Fact]
    public void Read_mac_json_gives_chip_mac_and_device_id()
    {
        using var rig = new RomRig();

        var (exit, json, human) = Run(rig, "flash", "read-mac", "--port", "sim", "--json");

        Assert.Equal(0, exit);
        Assert.True(json.GetProperty("ok").GetBoolean());
        Assert.Equal(0, json.GetProperty("exitCode").GetInt32());
        Assert.Equal("esp32-240ac45e719b", json.GetProperty("deviceId").GetString());
        Assert.Equal("24:0a:c4:5e:71:9b", json.GetProperty("mac").GetString()!.ToLowerInvariant());
        Assert.StartsWith("ESP32", json.GetProperty("chip").GetString());
        Assert.Contains("Connecting to", human);
    }

    [Fact]
    public void Flash_json_lists_each_image_with_the_sectors_written()
    {
        using var rig = new RomRig();
        string file = Path.Combine(Directory.CreateTempSubdirectory("nodectl-json-").FullName, "app.bin");
        File.WriteAllBytes(file, Enumerable.Range(0, 10_000).Select(i => (byte)(i % 13)).ToArray());

        var (exit, json, _) = Run(rig, "flash", "--port", "sim", "--image", $"0x10000:{file}", "--flash-size", "4MB", "--baud", "115200", "--json");

        Assert.Equal(0, exit);
        var image = Assert.Single(json.GetProperty("images").EnumerateArray());
        Assert.Equal("app.bin", image.GetProperty("name").GetString());
        Assert.Equal(0x10000u, image.GetProperty("offset").GetUInt32());
        Assert.Equal(10_000, image.GetProperty("size").GetInt32());
        Assert.Equal(3, image.GetProperty("sectorsWritten").GetInt32());
        Assert.Equal(4 * 1024 * 1024, json.GetProperty("flashSizeBytes").GetInt32());
        Assert.True(json.GetProperty("reset").GetBoolean());
    }

    [Fact]
    public void A_failure_is_still_one_object_with_the_reason()
    {
        var (exit, json, _) = Run(null, "flash", "read-mac", "--port", "/dev/ttyUSB9", "--json");

        Assert.Equal(1, exit);
        Assert.False(json.GetProperty("ok").GetBoolean());
        Assert.Equal(1, json.GetProperty("exitCode").GetInt32());
        Assert.Contains("no such port /dev/ttyUSB9", json.GetProperty("error").GetString());
    }

    [Fact]
    public void A_refusal_before_connecting_is_exit_code_2_in_the_json()
    {
        var (exit, json, _) = Run(null, "flash", "--port", "sim", "--image", "esp-nanoclr=x.bin", "--json");

        Assert.Equal(FlashCommand.RefusedExitCode, exit);
        Assert.Equal(2, json.GetProperty("exitCode").GetInt32());
        Assert.Contains("--board", json.GetProperty("error").GetString());
    }
}
