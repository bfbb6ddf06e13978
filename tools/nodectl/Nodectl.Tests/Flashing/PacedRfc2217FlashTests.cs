using System.CommandLine;
using NodeFirmware.Nodectl.Flashing;
using NodeSim.RomBootloader;
using NodeSim.RomBootloader.Rfc2217;
using NodeSim.RomBootloader.Uart;

namespace NodeFirmware.Nodectl.Tests.Flashing;

/// <summary>
/// `nodectl flash` through a served chip whose UART is paced at the baud rate (as `bench flash` compares it with
/// esptool): reset, CHANGE_BAUDRATE, 16 KiB compressed packets and the MD5 verify work when the chip answers only
/// as fast as the line, and the session takes at least the line time of what nodectl sent.
/// </summary>
public class PacedRfc2217FlashTests
{
    [Fact]
    public void Flash_at_921600_baud_over_a_paced_line_lands_and_takes_at_least_its_line_time()
    {
        const int baud = 921600;
        using var server = new RomRfc2217Server(options: new RomRfc2217ServerOptions { PaceAtBaudRate = true });
        string file = Path.GetTempFileName();
        try
        {
            var app = FirmwareLikeImage.Create(5, 120_000);
            File.WriteAllBytes(file, app);
            var (console, text) = TestConsole.Create(); // its own console: Spectre's default one allows one progress display at a time
            var root = new RootCommand { FlashCommand.Create(FlashCommandEnvironment.Default() with { Console = console }) };

            int exit = root.Parse(new[] { "flash", "--port", server.Url, "--baud", $"{baud}", "--image", $"0x10000:{file}", "--verify", "--full", "--no-reset" }).Invoke();

            Assert.True(exit == 0, text.ToString());
            Assert.True(server.Sim.Flash.Read(0x10000, app.Length).SequenceEqual(app));
            Assert.True(server.Sim.Traffic.RequestsFor(RomWire.SPI_FLASH_MD5) > 0);
            var floor = PacedSerialLine.LineTime(server.Sim.Traffic.BytesFromHost, baud);
            var window = server.Activity.Window;
            Assert.NotNull(window);
            Assert.True(window >= floor, $"nodectl's session took {window.Value.TotalMilliseconds:0} ms on the chip's line, under the {floor.TotalMilliseconds:0} ms its {server.Sim.Traffic.BytesFromHost} bytes need at {baud} baud");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
