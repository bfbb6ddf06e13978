using NodeSim.RomBootloader;

namespace NodeFirmware.Nodectl.Tests.Flashing.EsptoolJs;

/// <summary>esptool's chip_id, read_mac and flash_id, done by esptool-js against the simulated ROM loader.</summary>
public class EsptoolJsIdentifyTests
{
    [NodeFact]
    public void Esptool_js_detects_the_chip_and_reads_its_mac_crystal_and_flash_id()
    {
        var mac = new byte[] { 0x24, 0x6F, 0x28, 0xAB, 0xCD, 0xEF };
        using var board = new SimulatedBoard(new SimulatedRomOptions { Mac = mac });

        var report = board.Run("identify");

        Assert.Equal("ESP32", report.GetProperty("chip").GetString());
        Assert.Equal("24:6f:28:ab:cd:ef", report.GetProperty("mac").GetString());
        Assert.Equal(40, report.GetProperty("crystalMhz").GetInt32());
        Assert.Equal(board.Sim.Flash.JedecId, report.GetProperty("flashId").GetUInt32());
        Assert.Equal("4MB", report.GetProperty("flashSize").GetString());
    }

    [NodeFact]
    public void Esptool_js_gives_up_on_a_chip_magic_value_it_does_not_know()
    {
        using var board = new SimulatedBoard(new SimulatedRomOptions { ChipMagic = 0x12345678 });

        var outcome = board.Start("identify");

        Assert.Equal(1, outcome.Exit);
        Assert.Contains("Unexpected CHIP magic value 0x12345678", outcome.Stderr);
    }
}
