using System.Text.Json;
using NodeSim.RomBootloader;
using NodeSim.RomBootloader.Rfc2217;

namespace NodeSim.Tests.RomBootloader;

/// <summary>pyserial's RFC 2217 client, which esptool uses for rfc2217:// ports, drives the served simulated ESP32.</summary>
public class Rfc2217PySerialTests
{
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "RomBootloader", "rom_over_rfc2217.py");

    [PySerialFact]
    public void Pyserial_resets_into_download_mode_syncs_reads_registers_and_changes_baud()
    {
        using var server = new RomRfc2217Server();

        using var seen = JsonDocument.Parse(PySerial.RunScript(Script, server.Url, "full"));

        var root = seen.RootElement;
        Assert.True(root.GetProperty("opened").GetBoolean());
        Assert.Contains("waiting for download", root.GetProperty("boot").GetString());
        Assert.Equal(0x20120707u, root.GetProperty("sync_value").GetUInt32());
        Assert.Equal(Esp32RegisterFile.ESP32_MAGIC_VALUE, root.GetProperty("magic").GetUInt32());
        Assert.Equal(0xFFFFFFFFu, root.GetProperty("all_ones").GetUInt32());
        Assert.Equal(new Esp32RomClock(new SimulatedRomOptions().RomCrystalEstimateHz, 80).RomFrequencyHz, root.GetProperty("rom_freq").GetDouble());
        Assert.Equal(Esp32RegisterFile.ESP32_MAGIC_VALUE, root.GetProperty("magic_at_921600").GetUInt32());
        Assert.InRange(server.Sim.ChipBaudRate, 921600 * 0.995, 921600 * 1.005); // compensated: the chip runs at what was asked

        // esptool's get_crystal_freq: host baud times the divider's integer part is the APB clock in Hz.
        uint clkdiv = root.GetProperty("clkdiv_at_921600").GetUInt32();
        Assert.InRange(921600.0 * (clkdiv & 0xFFFFF) / 1e6, 39, 41);
        Assert.Equal(1, server.Connections);
    }

    [PySerialFact]
    public void Passed_through_with_the_networks_timing_the_classic_reset_boots_from_flash()
    {
        // pyserial waits for each SET-CONTROL answer, so DTR=RTS=1 lasts longer than EN's RC delay: the chip samples
        // IO0 high. This is why the default policy completes the classic reset's release (esptool issue #383).
        using var server = new RomRfc2217Server(options: new RomRfc2217ServerOptions { Lines = ControlLinePolicy.PassThrough });

        using var seen = JsonDocument.Parse(PySerial.RunScript(Script, server.Url, "reset-only"));

        Assert.Contains("SPI_FAST_FLASH_BOOT", seen.RootElement.GetProperty("boot").GetString());
        Assert.Equal(RomChipState.RunningApplication, server.Sim.State);
    }

    [PySerialFact]
    public void Clients_are_served_one_after_the_other_and_closing_releases_the_lines()
    {
        using var server = new RomRfc2217Server();

        PySerial.RunScript(Script, server.Url, "reset-only");
        using var second = JsonDocument.Parse(PySerial.RunScript(Script, server.Url, "reset-only"));

        Assert.Contains("waiting for download", second.RootElement.GetProperty("boot").GetString());
        Assert.Equal(2, server.Connections);
        Assert.Equal(RomChipState.DownloadMode, server.Sim.State);
    }
}
