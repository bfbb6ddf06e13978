using System.Security.Cryptography;
using NodeSim.RomBootloader;

namespace NodeFirmware.Nodectl.Tests.Flashing.EsptoolJs;

/// <summary>esptool's load_ram and --baud, done by esptool-js against the simulated ROM loader.</summary>
public class EsptoolJsRamAndBaudTests
{
    private const uint IramText = 0x40080000;
    private const uint DramData = 0x3FFB0000;

    [NodeFact]
    public void Esptool_js_loads_code_into_ram_reads_it_back_with_read_reg_and_runs_it()
    {
        using var board = new SimulatedBoard();
        var text = FirmwareLikeImage.Create(5, 0x1A00); // two ESP_RAM_BLOCK packets, the second partial
        var data = FirmwareLikeImage.Create(6, 0x300);

        var report = board.Run(
            "ram",
            "--entry",
            $"0x{IramText:X}",
            $"0x{IramText:X}:{board.File("text.bin", text)}",
            $"0x{DramData:X}:{board.File("data.bin", data)}");

        var segments = report.GetProperty("segments").EnumerateArray().ToList();
        Assert.Equal(new[] { 2, 1 }, segments.Select(s => s.GetProperty("blocks").GetInt32()));
        foreach (var (segment, (address, bytes)) in segments.Zip(new[] { (IramText, text), (DramData, data) }))
        {
            Assert.Equal(segment.GetProperty("md5Local").GetString(), segment.GetProperty("md5ReadBack").GetString());
            var inRam = Enumerable.Range(0, bytes.Length).Select(i => board.Sim.ReadRam(address + (uint)i) ?? 0).ToArray();
            Assert.Equal(Convert.ToHexStringLower(MD5.HashData(bytes)), Convert.ToHexStringLower(MD5.HashData(inRam)));
        }

        Assert.False(report.GetProperty("answersAfterRun").GetBoolean());
        Assert.Equal(RomChipState.RunningRamCode, board.Sim.State);
    }

    [NodeFact]
    public void Esptool_js_changes_the_baud_rate_uncompensated_and_writes_at_the_new_rate_on_a_typical_chip()
    {
        using var board = new SimulatedBoard(); // the ROM's crystal estimate 1.5 % high, as on real boards
        var app = FirmwareLikeImage.Create(3, 60_001);

        var report = board.Run("baud", "--baud", "460800", $"0x10000:{board.File("app.bin", app)}");

        Assert.True(report.GetProperty("ok").GetBoolean(), report.ToString());
        Assert.False(report.GetProperty("fellBack").GetBoolean(), report.ToString());
        Assert.Equal(460800, report.GetProperty("hostBaud").GetInt32());
        Assert.Equal(board.Sim.Registers.Read(Esp32RegisterFile.UART_CLKDIV_REG), report.GetProperty("uartClkDiv").GetUInt32());
        double offBy = board.Sim.ChipBaudRate / 460800 - 1;
        Assert.InRange(offBy, -0.025, -0.01); // esptool-js sends 460800 as it is: the chip runs 1.5 % slow, still in step
        var image = EsptoolJsWriteTests.OnlyImage(report);
        Assert.True(image.GetProperty("ok").GetBoolean(), image.ToString());
        Assert.True(board.Sim.Flash.Read(0x10000, app.Length).SequenceEqual(app));
    }

    [NodeFact]
    public void Esptool_js_loses_a_chip_whose_rom_crystal_estimate_is_4_percent_off_after_changing_the_baud_rate()
    {
        using var board = new SimulatedBoard(new SimulatedRomOptions { RomCrystalEstimateHz = 41_600_000 });

        var report = board.Run("baud", "--baud", "460800");

        // esptool-js sends 460800 as it is, the chip runs at 460800 * 40 / 41.6 MHz, 3.8 % slow: out of step. It
        // notices, resets the chip, reconnects at 115200 and uploads its stub, which the simulated ROM does not run.
        Assert.False(report.GetProperty("ok").GetBoolean(), report.ToString());
        string log = report.GetProperty("log").ToString();
        Assert.Contains("The board stopped responding after changing baud rate", log);
        Assert.Contains("Running stub", log);
        Assert.Equal(RomChipState.RunningRamCode, board.Sim.State);
    }

    [NodeFact]
    public void With_esptools_compensation_esptool_js_changes_the_baud_rate_of_a_chip_whose_rom_crystal_estimate_is_4_percent_off()
    {
        using var board = new SimulatedBoard(new SimulatedRomOptions { RomCrystalEstimateHz = 41_600_000 });
        var app = FirmwareLikeImage.Create(3, 60_001);

        var report = board.Run("baud", "--baud", "460800", "--compensate", $"0x10000:{board.File("app.bin", app)}");

        Assert.True(report.GetProperty("ok").GetBoolean(), report.ToString());
        Assert.False(report.GetProperty("fellBack").GetBoolean(), report.ToString());
        Assert.InRange(report.GetProperty("romCrystalEstimateHz").GetDouble(), 41_500_000, 41_700_000);
        Assert.InRange(board.Sim.ChipBaudRate / 460800 - 1, -0.005, 0.005);
        var image = EsptoolJsWriteTests.OnlyImage(report);
        Assert.True(image.GetProperty("ok").GetBoolean(), image.ToString());
        Assert.True(board.Sim.Flash.Read(0x10000, app.Length).SequenceEqual(app));
    }
}
