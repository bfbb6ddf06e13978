using System.Diagnostics;
using NodeFirmware.Nodectl.Flashing;
using NodeSim.RomBootloader.Rfc2217;
using Spectre.Console;

namespace NodeFirmware.Bench.Flash;

/// <summary>
/// `nodectl flash --full --verify` as the factory line runs it, through nodectl's RFC 2217 link to a served
/// simulated ESP32 whose UART is paced at the baud rate: the real reset sequence with its pauses, chip and MAC,
/// the flash size read from the JEDEC id (as esptool's --flash_size keep does), CHANGE_BAUDRATE, a full compressed
/// write in nodectl's packets and the MD5 verify; no reset afterwards (esptool's --after no_reset).
/// </summary>
public static class NodectlOverRfc2217Run
{
    public static PacedFlashOutcome FlashOnce(byte[] image, uint offset, int baud)
    {
        using var server = new RomRfc2217Server(options: new RomRfc2217ServerOptions { PaceAtBaudRate = true });
        var log = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Out = new AnsiConsoleOutput(log) });
        var request = new FlashRequest(new[] { new FlashImage(offset, image, "app.bin") }, baud, Compress: true, Verify: true, ResetAfter: false, Full: true);
        var clock = Stopwatch.StartNew();
        int exit;
        using (var link = Rfc2217SerialLink.Open(server.Url))
        {
            exit = FlashRunner.Flash(new EspRomClient(link), request, console);
        }

        clock.Stop();
        if (exit != 0)
        {
            string last = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(no output)";
            return new PacedFlashOutcome(null, $"nodectl's flash run failed: {last}");
        }

        if (!server.Sim.Flash.Read(offset, image.Length).SequenceEqual(image))
        {
            return new PacedFlashOutcome(null, "nodectl finished but the simulated flash differs from the image");
        }

        return server.Activity.Window is { } window
            ? new PacedFlashOutcome(new PacedFlashSession(server.Sim.Traffic, window, clock.Elapsed), null)
            : new PacedFlashOutcome(null, "the chip's UART saw no conversation after its reset");
    }
}
